/*
 * The loopback OpenAI server of the fault suite: answers every chat completion, streamed or not, with a
 * response id of its own (`chatcmpl-fault-<n>`, never reused while the server lives), so each span is
 * matched to the call that made it by `gen_ai.response.id`.
 */
import type { IncomingMessage } from 'node:http';
import { MockOpenAIServer, json, sse, type MockReply } from '../mock-servers/openai-server';
import type { RecordedRequest } from '../mock-servers/mock-http-server';

export class CountingOpenAIServer extends MockOpenAIServer {
  private next = 0;

  /** The requests for one model (the abandoned-call rows give each kind of call its own model). */
  requestsFor(model: string): number {
    return this.requests.filter((r) => (r.body as { model?: string } | undefined)?.model === model).length;
  }

  protected override record(req: IncomingMessage, text: string): RecordedRequest {
    const request = super.record(req, text);
    // Scripted here instead of ahead of time: the base class takes the queue's head right after `record`,
    // in the same synchronous step, so this reply is the one sent to this request.
    if (request.path === '/v1/chat/completions') this.enqueue(this.replyFor(request.body as { model?: string; stream?: boolean }));
    return request;
  }

  private replyFor(body: { model?: string; stream?: boolean }): MockReply {
    const id = `chatcmpl-fault-${++this.next}`;
    const model = body.model ?? 'gpt-4o-mini';
    const base = { id, created: 1, model: `${model}-2024-07-18` };
    if (!body.stream) {
      return json({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      });
    }
    const chunk = (delta: object, finish: string | null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
    return sse([chunk({ role: 'assistant', content: '' }, null), chunk({ content: 'ok' }, null), chunk({ content: ' then' }, null), chunk({}, 'stop')]);
  }
}
