/*
 * A loopback HTTP server that speaks the OpenAI REST API well enough for the real `openai` SDK to parse
 * it: JSON bodies, SSE streams (`data: {...}` lines ending with `data: [DONE]`), JSON error bodies with
 * their HTTP status, and deliberately malformed streams. Replies are scripted and requests recorded as in
 * mock-http-server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP1, MockHttpServer, recordedRequest, sendJson, writePaced, type RecordedRequest } from './mock-http-server';

export type MockReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; chunks: unknown[]; done?: boolean; delayMs?: number; headers?: Record<string, string> }
  | { kind: 'raw-sse'; lines: string[]; delayMs?: number }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> };

export const json = (body: unknown, headers?: Record<string, string>): MockReply => ({ kind: 'json', body, headers });
export const sse = (chunks: unknown[], opts: { done?: boolean; delayMs?: number } = {}): MockReply => ({
  kind: 'sse',
  chunks,
  ...opts,
});
export const apiError = (status: number, message = 'mock error', type = 'invalid_request_error'): MockReply => ({
  kind: 'error',
  status,
  body: { error: { message, type, param: null, code: null } },
  // Keep the SDK from retrying 429/5xx in tests: it honours retry-after-ms, but max_retries=0 is set by clients.
});

export class MockOpenAIServer extends MockHttpServer<MockReply, RecordedRequest> {
  constructor() {
    super(HTTP1);
  }

  /** Base URL to pass to `new OpenAI({ baseURL })`. */
  get baseURL(): string {
    return `${this.origin}/v1`;
  }

  protected record(req: IncomingMessage, text: string): RecordedRequest {
    return recordedRequest(req, text);
  }

  protected sendNoReply(res: ServerResponse, req: IncomingMessage): void {
    sendJson(res, 500, { error: { message: `no scripted reply for ${req.method} ${req.url}`, type: 'mock' } });
  }

  protected async send(reply: MockReply, res: ServerResponse): Promise<void> {
    const requestId = `req_mock_${this.requests.length}`;
    const gone = () => res.destroyed;
    switch (reply.kind) {
      case 'json':
        sendJson(res, reply.status ?? 200, reply.body, { 'x-request-id': requestId, ...reply.headers });
        return;
      case 'error':
        sendJson(res, reply.status, reply.body ?? { error: { message: 'mock error' } }, { 'x-request-id': requestId, ...reply.headers });
        return;
      case 'sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId, ...reply.headers });
        if (!(await writePaced(res, reply.chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), reply.delayMs, gone))) return;
        if (reply.done !== false) res.write('data: [DONE]\n\n');
        res.end();
        return;
      }
      case 'raw-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId });
        if (await writePaced(res, reply.lines, reply.delayMs, gone)) res.end();
        return;
    }
  }
}
