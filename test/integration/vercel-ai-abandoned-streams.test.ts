/*
 * `ai` 7 recorded from its `ai:telemetry` channel alone (a bundled app: no module hook wrapped streamText,
 * so no link tells when the app stopped reading, see src/providers/vercel-ai/stream-links.ts). The tests
 * call the `ai` exports jest loaded, not the copy manuallyInstrument returned. A streamText tool loop the
 * app stops reading never gets the end of its channel message: its invoke_agent span is an open call like
 * every LLM call, ended as abandoned at shutdown (`endOpenInvocations`, what the flush at exit calls) or
 * after the idle limit once none of its model calls or tool runs is open, and the recorder lets go of it.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { endOpenInvocations, openInvocationCount } from '../../src/core';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { sleep } from '../helpers/async';
import { MODEL, chunk, deltaChoice, textStream } from '../fixtures/chat';
import { sse } from '../mock-servers/openai-server';

const { z } = require('zod');

const ABANDONED = 'genai_app.call.abandoned';
const AGENT_ATTRIBUTES = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': MODEL };

/** The `ai` exports as jest loaded them: their streamText is the AI SDK's own, recorded from the channel only. */
const channelOnlyAi = () => require('ai');

function weatherTool(execute = async ({ city }: { city: string }) => ({ city, celsius: 3 })) {
  return channelOnlyAi().tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }), execute });
}

function streamWeatherLoop() {
  const { streamText, stepCountIs } = channelOnlyAi();
  return streamText({ model: openAi().chat(MODEL), prompt: 'Weather in Oslo?', tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
}

/** A tool call step, then a text step streamed in `pieces` `delayMs` apart. */
function enqueueStreamedLoop(pieces: string[], delayMs = 20) {
  server().enqueue(
    sse([
      chunk([deltaChoice({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] })], { id: 'chatcmpl-ss0' }),
      chunk([deltaChoice({}, 0, 'tool_calls')], { id: 'chatcmpl-ss0' }),
    ]),
    sse(textStream(pieces, { id: 'chatcmpl-ss1' }), { delayMs }),
  );
}

/** Reads the first piece of text, then breaks out. */
async function readFirstPieceAndBreak(result: { textStream: AsyncIterable<string> }): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of result.textStream) {
    pieces.push(piece);
    break;
  }
  return pieces;
}

/** Waits (up to 5 s) until `done()`. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 5000; waited += 10) await sleep(10);
}

/** [name, parent's name, abandoned] of every finished span, in start order (an ancestor first). */
function tree(spans: readonly ReadableSpan[]): Array<[string, string | undefined, unknown]> {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const nanos = (t: [number, number]) => t[0] * 1e9 + t[1];
  const depth = (s: ReadableSpan): number => (s.parentSpanContext && byId.has(s.parentSpanContext.spanId) ? 1 + depth(byId.get(s.parentSpanContext.spanId)!) : 0);
  return spans
    .slice()
    .sort((a, b) => nanos(a.startTime) - nanos(b.startTime) || depth(a) - depth(b))
    .map((s) => [s.name, byId.get(s.parentSpanContext?.spanId ?? '')?.name, s.attributes[ABANDONED]]);
}

const LOOP_TREE = (abandoned: string | undefined): Array<[string, string | undefined, unknown]> => [
  ['invoke_agent', undefined, abandoned],
  [`chat ${MODEL}`, 'invoke_agent', undefined],
  ['execute_tool weather', 'invoke_agent', undefined],
  [`chat ${MODEL}`, 'invoke_agent', undefined],
];

let server: () => ReturnType<typeof useVercelAITestbed>['server'];
let openAi: () => any;

describe('a channel-only streamText tool loop the app stops reading', () => {
  const testbed = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
  const { tel } = testbed;
  beforeEach(() => {
    server = () => testbed.server;
    openAi = testbed.openai;
  });
  afterEach(() => endOpenInvocations());

  it('runs outside the wrapped exports', () => {
    expect(channelOnlyAi().streamText).not.toBe(testbed.ai().streamText);
  });

  it('ends at shutdown: the invoke_agent span is exported abandoned by shutdown, and the recorder lets go of the call', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo.']);
    expect(await readFirstPieceAndBreak(streamWeatherLoop())).toEqual(['Cold ']);
    // The AI SDK reads the second step's model stream to its end; its streamText message never ends.
    await waitFor(() => tel.spans().length === 3);
    await sleep(100);
    expect(tel.spans().map((s) => s.name)).toEqual([`chat ${MODEL}`, 'execute_tool weather', `chat ${MODEL}`]);
    expect(tel.instrumentation.heldChannelCalls()).toBe(1);
    expect(openInvocationCount()).toBe(1);

    expect(endOpenInvocations()).toBe(1);

    expect(tree(tel.spans())).toEqual(LOOP_TREE('shutdown'));
    const agent = tel.spans().find((s) => s.name === 'invoke_agent')!;
    expect(agent.attributes).toEqual({ ...AGENT_ATTRIBUTES, [ABANDONED]: 'shutdown' });
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
    expect(tel.instrumentation.heldChannelCalls()).toBe(0);
    expect(openInvocationCount()).toBe(0);
    expect(endOpenInvocations()).toBe(0);
    expect(tel.spans()).toHaveLength(4);
  });

  it('a streamText without tools (no invoke_agent span) is let go at shutdown too', async () => {
    server().enqueue(sse(textStream(['Hello ', 'there.'], { id: 'chatcmpl-t' }), { delayMs: 20 }));
    const { streamText } = channelOnlyAi();
    expect(await readFirstPieceAndBreak(streamText({ model: openAi().chat(MODEL), prompt: 'Hi', maxRetries: 0 }))).toEqual(['Hello ']);
    await waitFor(() => tel.spans().length === 1);
    expect(tel.instrumentation.heldChannelCalls()).toBe(1);

    expect(endOpenInvocations()).toBe(1);

    expect(tel.spans().map((s) => [s.name, s.attributes[ABANDONED]])).toEqual([[`chat ${MODEL}`, undefined]]);
    expect(tel.instrumentation.heldChannelCalls()).toBe(0);
  });

  it('read to its end, it ends as the AI SDK ends it: not abandoned, nothing held', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo.']);
    const result = streamWeatherLoop();
    expect(await result.text).toBe('Cold in Oslo.');
    await waitFor(() => tel.spans().length === 4);

    expect(tree(tel.spans())).toEqual(LOOP_TREE(undefined));
    expect(tel.instrumentation.heldChannelCalls()).toBe(0);
    expect(openInvocationCount()).toBe(0);
    expect(endOpenInvocations()).toBe(0);
  });
});

describe('a channel-only streamText tool loop under the idle limit', () => {
  const testbed = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY', idleTimeout: 200 }, lifetime: 'test' });
  const { tel } = testbed;
  beforeEach(() => {
    server = () => testbed.server;
    openAi = testbed.openai;
  });
  afterEach(() => endOpenInvocations());

  it('the app stops reading: the invoke_agent span ends abandoned by idle_timeout once nothing under it is open for the limit', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo.']);
    expect(await readFirstPieceAndBreak(streamWeatherLoop())).toEqual(['Cold ']);
    await waitFor(() => tel.spans().some((s) => s.name === 'invoke_agent'));

    expect(tree(tel.spans())).toEqual(LOOP_TREE('idle_timeout'));
    const agent = tel.spans().find((s) => s.name === 'invoke_agent')!;
    expect(agent.attributes).toEqual({ ...AGENT_ATTRIBUTES, [ABANDONED]: 'idle_timeout' });
    // Idle from the end of its last model call (the AI SDK read the model's stream to its end).
    const lastChat = tel.spans().filter((s) => s.name.startsWith('chat'))[1]!;
    const idleMs = (agent.endTime[0] - lastChat.endTime[0]) * 1e3 + (agent.endTime[1] - lastChat.endTime[1]) / 1e6;
    expect(idleMs).toBeGreaterThanOrEqual(195);
    expect(tel.instrumentation.heldChannelCalls()).toBe(0);
    expect(openInvocationCount()).toBe(0);
  });

  it('a tool run and a model stream longer than the limit keep the loop busy: read to its end, it is not abandoned', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo ', 'today.'], 100);
    const { streamText, stepCountIs } = channelOnlyAi();
    const slowTool = weatherTool(async ({ city }) => {
      await sleep(400);
      return { city, celsius: 3 };
    });
    const result = streamText({ model: openAi().chat(MODEL), prompt: 'Weather in Oslo?', tools: { weather: slowTool }, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(await result.text).toBe('Cold in Oslo today.');
    await waitFor(() => tel.spans().length === 4);

    expect(tree(tel.spans())).toEqual(LOOP_TREE(undefined));
    expect(tel.instrumentation.heldChannelCalls()).toBe(0);
    expect(openInvocationCount()).toBe(0);
  });
});
