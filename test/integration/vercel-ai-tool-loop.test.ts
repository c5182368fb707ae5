/*
 * Tool loops of the Vercel AI SDK: generateText / streamText with tools, and the agent classes
 * (ToolLoopAgent; `ai` 5's Experimental_Agent). `ai` 7 is recorded from its `ai:telemetry` channel, `ai`
 * 5 and 6 (the version matrix) from their wrapped exports and agent methods: the same spans, checked by
 * the same expectations. The call is one `invoke_agent` INTERNAL span; each step's model call a
 * `chat {model}` child, each tool the AI SDK runs an `execute_tool {name}` child; spans the tool makes
 * nest under its execute_tool span. A streamed loop's span ends when the AI SDK's full result is done,
 * also when the app stops reading or aborts.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS, contentAttribute } from '../helpers/spans';
import { MODEL, chatCompletion, textChoice, textStream, toolCallChoice, usage, chunk, deltaChoice } from '../fixtures/chat';
import { json, sse } from '../mock-servers/openai-server';

const { z } = require('zod');

const { server, tel, ai, openai } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });
const generateText = (options: object) => ai().generateText(options);
const streamText = (options: object) => ai().streamText(options);
const tool = (definition: object) => ai().tool(definition);
const stepCountIs = (n: number) => ai().stepCountIs(n);
/** The `ai` major under test (7; 5 or 6 in the version matrix). */
const AI_MAJOR = Number(require('ai/package.json').version.split('.')[0]);
/** ToolLoopAgent (`ai` 6 and 7), Experimental_Agent (`ai` 5). */
const Agent = () => ai().ToolLoopAgent ?? ai().Experimental_Agent;

const WEATHER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

function weatherTool(execute = async ({ city }: { city: string }) => {
  tel.tracerProvider.getTracer('app').startSpan('app.lookup').end();
  return { city, celsius: 21 };
}) {
  return tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }), execute });
}

/**
 * Spans in start order. Spans that start in the same clock tick: an ancestor before its descendants,
 * else the one that ended first (a tool's own span before the next step's chat span).
 */
function inStartOrder(spans: readonly ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const isAncestor = (a: ReadableSpan, b: ReadableSpan): boolean => {
    const parent = byId.get(b.parentSpanContext?.spanId ?? '');
    return parent !== undefined && (parent === a || isAncestor(a, parent));
  };
  const nanos = (t: [number, number]) => t[0] * 1e9 + t[1];
  return spans.slice().sort((a, b) => {
    const started = nanos(a.startTime) - nanos(b.startTime);
    if (started !== 0) return started;
    if (isAncestor(a, b)) return -1;
    if (isAncestor(b, a)) return 1;
    return nanos(a.endTime) - nanos(b.endTime);
  });
}

/** [name, parent's name] of every finished span (ours and the app's), in start order. */
function tree(spans: readonly ReadableSpan[]): Array<[string, string | undefined]> {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  return inStartOrder(spans).map((s) => [s.name, byId.get(s.parentSpanContext?.spanId ?? '')?.name]);
}

function enqueueWeatherLoop() {
  server.enqueue(
    json(chatCompletion({ id: 'chatcmpl-step0', choices: [toolCallChoice([{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }])], usage: usage(20, 8) })),
    json(chatCompletion({ id: 'chatcmpl-step1', choices: [textChoice('It is 21°C in Paris.')], usage: usage(40, 9) })),
  );
}

describe('generateText with tools', () => {
  it('is an invoke_agent span with a chat span per step and an execute_tool span, correctly parented', async () => {
    enqueueWeatherLoop();
    const result = await generateText({
      model: openai().chat(MODEL),
      prompt: 'Weather in Paris?',
      tools: { weather: weatherTool() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      experimental_telemetry: { functionId: 'weather-agent' },
    });

    expect(result.text).toBe('It is 21°C in Paris.');
    const spans = tel.allSpans();
    expect(tree(spans)).toEqual([
      ['invoke_agent weather-agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent weather-agent'],
      ['execute_tool weather', 'invoke_agent weather-agent'],
      ['app.lookup', 'execute_tool weather'],
      [`chat ${MODEL}`, 'invoke_agent weather-agent'],
    ]);
    const [agent, chat0, toolSpan, , chat1] = inStartOrder(spans);
    expect(agent!.kind).toBe(SpanKind.INTERNAL);
    expect(agent!.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'weather-agent',
      'gen_ai.request.model': MODEL,
    });
    expect(toolSpan!.kind).toBe(SpanKind.INTERNAL);
    expect(toolSpan!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.description': 'Current weather in a city',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      'gen_ai.tool.call.result': '{"city":"Paris","celsius":21}',
    });
    expect(chat0!.attributes).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-step0', 'gen_ai.response.finish_reasons': ['tool_call'], 'gen_ai.usage.input_tokens': 20 });
    expect(contentAttribute(chat0!, TOOL_DEFINITIONS)).toEqual([
      { type: 'function', name: 'weather', description: 'Current weather in a city', parameters: WEATHER_SCHEMA },
    ]);
    expect(contentAttribute(chat0!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'weather', id: 'call_1', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
    ]);
    expect(chat1!.attributes).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-step1', 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.usage.input_tokens': 40 });
    expect(contentAttribute(chat1!, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'weather', id: 'call_1', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', response: { city: 'Paris', celsius: 21 }, id: 'call_1' }] },
    ]);
  });

  it('a tool that throws fails its execute_tool span; the loop goes on as the AI SDK decides', async () => {
    enqueueWeatherLoop();
    const result = await generateText({
      model: openai().chat(MODEL),
      prompt: 'Weather in Paris?',
      tools: { weather: weatherTool(async () => { throw new RangeError('no such city'); }) },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });

    expect(result.text).toBe('It is 21°C in Paris.');
    const toolSpan = tel.spans().find((s) => s.name === 'execute_tool weather')!;
    expect(toolSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(toolSpan.attributes['error.type']).toBe('RangeError');
    expect(tree(tel.spans()).map(([name]) => name)).toEqual(['invoke_agent', `chat ${MODEL}`, 'execute_tool weather', `chat ${MODEL}`]);
  });
});

describe('streamText with tools', () => {
  it('a streamed tool loop has the same tree, each chat span streamed', async () => {
    server.enqueue(
      sse([
        chunk([deltaChoice({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'weather', arguments: '' } }] })], { id: 'chatcmpl-ss0' }),
        chunk([deltaChoice({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Oslo"}' } }] })], { id: 'chatcmpl-ss0' }),
        chunk([deltaChoice({}, 0, 'tool_calls')], { id: 'chatcmpl-ss0' }),
      ]),
      sse(textStream(['Cold ', 'in Oslo.'], { id: 'chatcmpl-ss1' })),
    );
    const result = streamText({ model: openai().chat(MODEL), prompt: 'Weather in Oslo?', tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(await result.text).toBe('Cold in Oslo.');
    await new Promise((r) => setTimeout(r, 20));

    expect(tree(tel.allSpans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      ['app.lookup', 'execute_tool weather'],
      [`chat ${MODEL}`, 'invoke_agent'],
    ]);
    const chats = tel.spans().filter((s) => s.name.startsWith('chat'));
    expect(chats.map((s) => [s.attributes['gen_ai.request.stream'], s.attributes['gen_ai.response.finish_reasons']])).toEqual([
      [true, ['tool_call']],
      [true, ['stop']],
    ]);
    expect(contentAttribute(chats[0]!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'weather', id: 'call_s', arguments: { city: 'Oslo' } }], finish_reason: 'tool_call' },
    ]);
  });
});

describe('the agent class', () => {
  it('agent.generate is the same tree', async () => {
    enqueueWeatherLoop();
    const agent = new (Agent())({ model: openai().chat(MODEL), tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    const result = await agent.generate({ prompt: 'Weather in Paris?' });

    expect(result.text).toBe('It is 21°C in Paris.');
    expect(tree(tel.spans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      [`chat ${MODEL}`, 'invoke_agent'],
    ]);
  });

  it('agent.stream is the same tree, the invoke_agent span named by the settings\' functionId', async () => {
    enqueueStreamedLoop(['It is 21°C ', 'in Paris.']);
    const agent = new (Agent())({
      model: openai().chat(MODEL),
      tools: { weather: weatherTool() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      experimental_telemetry: { functionId: 'weather-agent' },
    });
    const result = await agent.stream({ prompt: 'Weather in Paris?' });
    expect(await result.text).toBe('It is 21°C in Paris.');
    await waitForSpan('invoke_agent weather-agent');

    expect(tree(tel.spans())).toEqual([
      ['invoke_agent weather-agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent weather-agent'],
      ['execute_tool weather', 'invoke_agent weather-agent'],
      [`chat ${MODEL}`, 'invoke_agent weather-agent'],
    ]);
  });
});

/** Waits (up to 2 s) until `done()`. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
}

/** Waits until a span named `name` has ended (a streamed loop's span ends after the app has its text). */
async function waitForSpan(name: string): Promise<void> {
  await waitFor(() => tel.spans().some((s) => s.name === name));
}

/** A tool call step, then a text step streamed in `pieces` 20 ms apart. */
function enqueueStreamedLoop(pieces: string[]) {
  server.enqueue(
    sse([
      chunk([deltaChoice({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] })], { id: 'chatcmpl-ss0' }),
      chunk([deltaChoice({}, 0, 'tool_calls')], { id: 'chatcmpl-ss0' }),
    ]),
    sse(textStream(pieces, { id: 'chatcmpl-ss1' }), { delayMs: 20 }),
  );
}

describe('a streamed tool loop the app does not read to its end', () => {
  it('the app breaks out of textStream: the invoke_agent span ends then, the step\'s chat span once its model stream is read', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo.']);
    const result = streamText({ model: openai().chat(MODEL), prompt: 'Weather in Oslo?', tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    for await (const piece of result.textStream) {
      expect(piece).toBe('Cold ');
      break;
    }
    // The AI SDK finishes no further: the loop ends where the app stopped reading.
    await waitForSpan('invoke_agent');
    expect(tel.spans().filter((s) => s.name.startsWith('chat'))).toHaveLength(1);
    // The model's stream is read to its end (three parts 20 ms apart) by the AI SDK.
    await waitFor(() => tel.spans().length === 4);

    expect(tree(tel.spans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      [`chat ${MODEL}`, 'invoke_agent'],
    ]);
    const agent = tel.spans().find((s) => s.name === 'invoke_agent')!;
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
    expect(contentAttribute(tel.spans().filter((s) => s.name.startsWith('chat'))[1]!, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Cold in Oslo.' }], finish_reason: 'stop' },
    ]);
  });

  it('the app aborts during the second step: the invoke_agent span ends too', async () => {
    enqueueStreamedLoop(['Cold ', 'in ', 'Oslo.']);
    const abort = new AbortController();
    const result = streamText({
      model: openai().chat(MODEL),
      prompt: 'Weather in Oslo?',
      tools: { weather: weatherTool() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      abortSignal: abort.signal,
    });
    const pieces: string[] = [];
    for await (const piece of result.textStream) {
      pieces.push(piece);
      abort.abort();
    }
    expect(pieces).toEqual(['Cold ']);
    await waitFor(() => tel.spans().length === 4);

    expect(tree(tel.spans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      [`chat ${MODEL}`, 'invoke_agent'],
    ]);
    // As each AI SDK major ends it: `ai` 7 rejects the aborted stream's full result with the abort reason
    // and cancels the model's stream; 5 and 6 settle the result with the steps so far, and the model's
    // stream fails with the abort.
    const aborted = [SpanStatusCode.ERROR, 'DOMException'];
    const ok = [SpanStatusCode.UNSET, undefined];
    expect(inStartOrder(tel.spans()).map((s) => [s.name, s.status.code, s.attributes['error.type']])).toEqual([
      ['invoke_agent', ...(AI_MAJOR >= 7 ? aborted : ok)],
      [`chat ${MODEL}`, ...ok],
      ['execute_tool weather', ...ok],
      [`chat ${MODEL}`, ...(AI_MAJOR >= 7 ? ok : aborted)],
    ]);
  });
});

describe('the agentSpans policy', () => {
  it("'never': the chat and execute_tool spans are children of the app's span", async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', agentSpans: 'never' });
    enqueueWeatherLoop();
    const app = tel.tracerProvider.getTracer('app');
    await app.startActiveSpan('app.request', async (span) => {
      await generateText({ model: openai().chat(MODEL), prompt: 'Weather in Paris?', tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
      span.end();
    });

    expect(tree(tel.allSpans())).toEqual([
      ['app.request', undefined],
      [`chat ${MODEL}`, 'app.request'],
      ['execute_tool weather', 'app.request'],
      ['app.lookup', 'execute_tool weather'],
      [`chat ${MODEL}`, 'app.request'],
    ]);
  });

  it("'always': a call without tools gets its invoke_agent span too", async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', agentSpans: 'always' });
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-a', choices: [textChoice('Hi!')], usage: usage(5, 2) })));
    await generateText({ model: openai().chat(MODEL), prompt: 'Hi', maxRetries: 0, experimental_telemetry: { functionId: 'greeter' } });

    expect(tree(tel.spans())).toEqual([
      ['invoke_agent greeter', undefined],
      [`chat ${MODEL}`, 'invoke_agent greeter'],
    ]);
  });
});

describe('what the app sees and decides', () => {
  it("prepareStep gets the app's own model; a model it returns for a step is recorded", async () => {
    enqueueWeatherLoop();
    const model = openai().chat(MODEL);
    const seen: boolean[] = [];
    await generateText({
      model,
      prompt: 'Weather in Paris?',
      tools: { weather: weatherTool() },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      prepareStep: ({ model: stepModel, stepNumber }: { model: unknown; stepNumber: number }) => {
        seen.push(stepModel === model);
        return stepNumber === 1 ? { model: openai().chat('gpt-4.1') } : undefined;
      },
    });

    expect(seen).toEqual([true, true]);
    expect(tree(tel.spans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      ['chat gpt-4.1', 'invoke_agent'],
    ]);
  });

  it("a streaming tool (an async generator): its execute_tool result is its last value, the AI SDK's", async () => {
    enqueueWeatherLoop();
    const result = await generateText({
      model: openai().chat(MODEL),
      prompt: 'Weather in Paris?',
      tools: {
        weather: weatherTool(async function* ({ city }: { city: string }) {
          yield { city, status: 'looking up' };
          yield { city, celsius: 21 };
        } as never),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });

    expect(result.steps[0].toolResults.map((r: { output: unknown }) => r.output)).toEqual([{ city: 'Paris', celsius: 21 }]);
    const toolSpan = tel.spans().find((s) => s.name === 'execute_tool weather')!;
    expect(toolSpan.attributes['gen_ai.tool.call.result']).toBe('{"city":"Paris","celsius":21}');
  });
});
