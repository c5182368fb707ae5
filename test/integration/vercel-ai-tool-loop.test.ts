/*
 * Tool loops of the Vercel AI SDK (`ai` 7): generateText / streamText with tools, and ToolLoopAgent. The
 * call is one `invoke_agent` INTERNAL span; each step's model call a `chat {model}` child, each tool the
 * AI SDK runs an `execute_tool {name}` child; spans the tool makes nest under its execute_tool span.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { useVercelAITestbed } from '../helpers/vercel-ai-testbed';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, TOOL_DEFINITIONS, contentAttribute } from '../helpers/spans';
import { MODEL, chatCompletion, textChoice, textStream, toolCallChoice, usage, chunk, deltaChoice } from '../fixtures/chat';
import { json, sse } from '../mock-servers/openai-server';

const { generateText, streamText, tool, stepCountIs, ToolLoopAgent } = require('ai');
const { z } = require('zod');

const { server, tel, openai } = useVercelAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' }, lifetime: 'test' });

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

/** Spans in start order; a parent before its children when they start in the same clock tick. */
function inStartOrder(spans: readonly ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const depth = (s: ReadableSpan): number => {
    const parent = byId.get(s.parentSpanContext?.spanId ?? '');
    return parent ? 1 + depth(parent) : 0;
  };
  return spans.slice().sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1] || depth(a) - depth(b));
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

describe('ToolLoopAgent', () => {
  it('agent.generate is the same tree', async () => {
    enqueueWeatherLoop();
    const agent = new ToolLoopAgent({ model: openai().chat(MODEL), tools: { weather: weatherTool() }, stopWhen: stepCountIs(3), maxRetries: 0 });
    const result = await agent.generate({ prompt: 'Weather in Paris?' });

    expect(result.text).toBe('It is 21°C in Paris.');
    expect(tree(tel.spans())).toEqual([
      ['invoke_agent', undefined],
      [`chat ${MODEL}`, 'invoke_agent'],
      ['execute_tool weather', 'invoke_agent'],
      [`chat ${MODEL}`, 'invoke_agent'],
    ]);
  });
});
