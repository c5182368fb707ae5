/*
 * chat.completions.create, non-streamed: the real openai SDK over real HTTP against the loopback mock
 * server, recorded by the instrumentation into in-memory OpenTelemetry pipelines.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { OpenAIInstrumentationConfig } from '../../src';
import { metricByName, metricPoints, setupTelemetry } from '../helpers/telemetry';
import { CAPTURE_CONTENT_ENV, useClearedEnv, withEnv } from '../helpers/env';
import { OPENAI, mockClient } from '../helpers/openai-testbed';
import { useMockServer, useTelemetry } from '../helpers/testbed';
import { captureRejection } from '../helpers/async';
import {
  CONTENT_KEYS,
  DETAILS_EVENT,
  EXCEPTION_EVENT,
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  TOOL_DEFINITIONS,
  assistantOutput,
  assistantTextOutput,
  attributesWithoutContent,
  contentAttribute,
  expectExceptionLog,
  onlyErrorSpan,
  onlySpan,
  textPart,
  toolCallPart,
  toolResponsePart,
  userTextMessage,
} from '../helpers/spans';
import { MockOpenAIServer, apiError, json } from '../mock-servers/openai-server';
import { requestIdOf } from '../helpers/sdk-compat';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../fixtures/metric-buckets';
import { TIME_TOOL_DEFINITION, WEATHER_TOOL_DEFINITION } from '../fixtures/tool-definitions';
import { MODEL, RESPONSE_MODEL, baseChatAttributes, baseMetricAttributes, chatCompletion, textChoice, toolCallChoice, usage, userMessage } from '../fixtures/chat';

useClearedEnv([CAPTURE_CONTENT_ENV]);
const server = useMockServer(new MockOpenAIServer());
const newClient = (baseURL = server.baseURL) => mockClient(server, { baseURL });

const hello = (): ChatCompletionCreateParamsNonStreaming => ({ model: MODEL, messages: [userMessage('Say hello')] });

describe('chat.completions.create: request and response attributes', () => {
  const tel = useTelemetry(OPENAI);

  it('names the span `chat {model}`, makes it a CLIENT span and records the minimal attribute set', async () => {
    const body = chatCompletion({ id: 'chatcmpl-min', usage: usage(9, 4) });
    server.enqueue(json(body));

    const result = await newClient().chat.completions.create(hello());

    expect(result).toEqual(body);
    const span = onlySpan(tel);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.events).toEqual([]);
    expect(span.attributes).toEqual({
      ...baseChatAttributes(server),
      'gen_ai.response.id': 'chatcmpl-min',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 4,
    });
  });

  it('does not change the request the SDK sends', async () => {
    server.enqueue(json(chatCompletion()));
    const params: ChatCompletionCreateParamsNonStreaming = {
      ...hello(),
      temperature: 0.5,
      stop: ['x'],
      n: 1,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    };
    const sent = structuredClone(params);

    await newClient().chat.completions.create(params);

    expect(server.requests.at(-1)!.body).toEqual(sent);
    expect(params).toEqual(sent);
  });

  it('records max_tokens, sampling parameters, a stop string, seed, text output, service tier and usage details', async () => {
    server.enqueue(
      json(
        chatCompletion({
          id: 'chatcmpl-params-1',
          model: 'gpt-4o-2024-08-06',
          usage: usage(1200, 340, { cached: 1024, reasoning: 128 }),
          service_tier: 'flex',
          system_fingerprint: 'fp_44709d6fcb',
        }),
      ),
    );

    await newClient().chat.completions.create({
      model: 'gpt-4o',
      messages: [userMessage('Tell me a story')],
      max_tokens: 256,
      temperature: 0.7,
      top_p: 0.9,
      stop: 'THE END',
      frequency_penalty: 0.5,
      presence_penalty: -0.25,
      seed: 42,
      response_format: { type: 'text' },
      service_tier: 'flex',
    });

    const span = onlySpan(tel);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toEqual({
      ...baseChatAttributes(server, 'gpt-4o'),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['THE END'],
      'gen_ai.request.frequency_penalty': 0.5,
      'gen_ai.request.presence_penalty': -0.25,
      'gen_ai.request.seed': 42,
      'gen_ai.output.type': 'text',
      'openai.request.service_tier': 'flex',
      'gen_ai.response.id': 'chatcmpl-params-1',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 340,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.reasoning.output_tokens': 128,
      'openai.response.service_tier': 'flex',
      'openai.response.system_fingerprint': 'fp_44709d6fcb',
    });
  });

  it('records max_completion_tokens, a stop array, json_object output and reasoning_effort', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-params-2', model: 'o4-mini-2025-04-16', choices: [textChoice('{"a":1}')] })));

    await newClient().chat.completions.create({
      model: 'o4-mini',
      messages: [userMessage('JSON please')],
      max_completion_tokens: 2048,
      stop: ['\n\n', 'END'],
      response_format: { type: 'json_object' },
      reasoning_effort: 'high',
    });

    expect(onlySpan(tel).attributes).toEqual({
      ...baseChatAttributes(server, 'o4-mini'),
      'gen_ai.request.max_tokens': 2048,
      'gen_ai.request.stop_sequences': ['\n\n', 'END'],
      'gen_ai.output.type': 'json',
      'gen_ai.request.reasoning.level': 'high',
      'gen_ai.response.id': 'chatcmpl-params-2',
      'gen_ai.response.model': 'o4-mini-2025-04-16',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('maps a json_schema response_format to output type json', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-schema', choices: [textChoice('{"city":"Paris"}')] })));

    await newClient().chat.completions.create({
      ...hello(),
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    });

    expect(onlySpan(tel).attributes['gen_ai.output.type']).toBe('json');
  });

  it('records n>1 as the choice count and one finish reason per choice, in choice order', async () => {
    server.enqueue(
      json(
        chatCompletion({
          id: 'chatcmpl-n3',
          choices: [textChoice('one', 'stop', 0), textChoice('two', 'length', 1), toolCallChoice([{ id: 'call_1', name: 'f', arguments: '{}' }], 2)],
        }),
      ),
    );

    await newClient().chat.completions.create({ ...hello(), n: 3 });

    expect(onlySpan(tel).attributes).toEqual({
      ...baseChatAttributes(server),
      'gen_ai.request.choice.count': 3,
      'gen_ai.response.id': 'chatcmpl-n3',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop', 'length', 'tool_call'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('leaves the choice count out when n is 1', async () => {
    server.enqueue(json(chatCompletion()));
    await newClient().chat.completions.create({ ...hello(), n: 1 });
    // toHaveProperty([key]), not (key): attribute names contain dots, which the string form reads as a path.
    expect(onlySpan(tel).attributes).not.toHaveProperty(['gen_ai.request.choice.count']);
  });

  it('records no usage attributes when the response has no usage', async () => {
    server.enqueue(json(chatCompletion({ id: 'chatcmpl-nousage', usage: null })));
    await newClient().chat.completions.create(hello());
    expect(onlySpan(tel).attributes).toEqual({
      ...baseChatAttributes(server),
      'gen_ai.response.id': 'chatcmpl-nousage',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('records no content by default', async () => {
    server.enqueue(json(chatCompletion()));
    await newClient().chat.completions.create(hello());
    for (const key of CONTENT_KEYS) expect(onlySpan(tel).attributes).not.toHaveProperty([key]);
    expect(tel.logs()).toEqual([]);
  });
});

describe('chat.completions.create: tools, tool calls and multimodal content', () => {
  const tel = useTelemetry(OPENAI, { captureMessageContent: 'SPAN_ONLY' });

  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  };
  const timeTool = {
    type: 'function' as const,
    function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } }, strict: true },
  };

  it('records tool definitions, tool-call history, tool results and parallel tool calls in the output', async () => {
    server.enqueue(
      json(
        chatCompletion({
          id: 'chatcmpl-tools',
          choices: [
            toolCallChoice([
              { id: 'call_w2', name: 'get_weather', arguments: '{"city":"Berlin"}' },
              { id: 'call_t1', name: 'get_time', arguments: '{"tz":"Europe/Berlin"}' },
            ]),
          ],
          usage: usage(80, 40),
        }),
      ),
    );

    const result = await newClient().chat.completions.create({
      model: MODEL,
      tools: [weatherTool, timeTool],
      parallel_tool_calls: true,
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        userMessage('Weather in Paris?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_w1', content: 'rainy, 14C' },
        { role: 'tool', tool_call_id: 'call_w0', content: [{ type: 'text', text: 'sunny, ' }, { type: 'text', text: '20C' }] },
        { role: 'user', content: 'And Berlin, and the time there?', name: 'alice' },
      ],
    });

    expect(result.choices[0]!.message.tool_calls).toHaveLength(2);
    const span = onlySpan(tel);
    expect(attributesWithoutContent(span)).toEqual({
      ...baseChatAttributes(server),
      'gen_ai.response.id': 'chatcmpl-tools',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 80,
      'gen_ai.usage.output_tokens': 40,
    });
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([
      WEATHER_TOOL_DEFINITION,
      TIME_TOOL_DEFINITION,
    ]);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'system', parts: [textPart('You are a weather bot.')] },
      userTextMessage('Weather in Paris?'),
      { role: 'assistant', parts: [toolCallPart('call_w1', 'get_weather', { city: 'Paris' })] },
      { role: 'tool', parts: [toolResponsePart('call_w1', 'rainy, 14C')] },
      { role: 'tool', parts: [toolResponsePart('call_w0', 'sunny, 20C')] },
      { role: 'user', name: 'alice', parts: [textPart('And Berlin, and the time there?')] },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      assistantOutput([toolCallPart('call_w2', 'get_weather', { city: 'Berlin' }), toolCallPart('call_t1', 'get_time', { tz: 'Europe/Berlin' })], 'tool_call'),
    ]);
  });

  it('keeps tool-call arguments that are not valid JSON as the raw string', async () => {
    server.enqueue(json(chatCompletion({ choices: [toolCallChoice([{ id: 'call_x', name: 'get_weather', arguments: '{"city": "Par' }])] })));

    await newClient().chat.completions.create({ ...hello(), tools: [weatherTool] });

    expect(contentAttribute(onlySpan(tel), OUTPUT_MESSAGES)).toEqual([
      assistantOutput([toolCallPart('call_x', 'get_weather', '{"city": "Par')], 'tool_call'),
    ]);
  });

  const multimodalRequest = (): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==' } },
            { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZFZm10IBAAAAAB', format: 'wav' } },
          ],
        },
      ],
  });
  const multimodalParts = (imageBlob: string, audioBlob: string) => [
    { type: 'text', content: 'What is in these?' },
    { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
    { type: 'blob', modality: 'image', mime_type: 'image/png', content: imageBlob },
    { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: audioBlob },
  ];

  it('maps image URLs to uri parts, data: URLs to blob parts (binary replaced by a placeholder) and input audio to audio blob parts', async () => {
    server.enqueue(json(chatCompletion({ choices: [textChoice('A cat and a beep.')] })));
    await newClient().chat.completions.create(multimodalRequest());

    const span = onlySpan(tel);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: multimodalParts('[BINARY image/png 16 bytes omitted]', '[BINARY audio/wav 21 bytes omitted]') },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([assistantTextOutput('A cat and a beep.')]);
    expect(span.attributes).not.toHaveProperty([TOOL_DEFINITIONS]);
  });

  it('keeps the inline base64 when the app opts in with captureInlineBinary', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', captureInlineBinary: true });
    server.enqueue(json(chatCompletion({ choices: [textChoice('A cat and a beep.')] })));
    await newClient().chat.completions.create(multimodalRequest());

    expect(contentAttribute(onlySpan(tel), INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: multimodalParts('iVBORw0KGgoAAAANSUhEUg==', 'UklGRiQAAABXQVZFZm10IBAAAAAB') },
    ]);
  });

  it('records one output message per choice', async () => {
    server.enqueue(json(chatCompletion({ choices: [textChoice('Hi!', 'stop', 0), textChoice('Hello', 'length', 1)] })));

    await newClient().chat.completions.create({ ...hello(), n: 2 });

    expect(contentAttribute(onlySpan(tel), OUTPUT_MESSAGES)).toEqual([
      assistantTextOutput('Hi!', 'stop'),
      assistantTextOutput('Hello', 'length'),
    ]);
  });
});

describe('chat.completions.create: content capture modes', () => {
  const expectedInput = [userTextMessage('Say hello')];
  const expectedOutput = [assistantTextOutput('Hello there!')];

  /** Runs one call against a fresh pipeline built with `config` (and `env` for the capture env var). */
  function recordOneCall(config: OpenAIInstrumentationConfig, env?: string) {
    return withEnv(CAPTURE_CONTENT_ENV, env, async () => {
      const tel = setupTelemetry(OPENAI, config);
      try {
        server.enqueue(json(chatCompletion({ id: 'chatcmpl-capture', usage: usage(5, 3) })));
        await newClient().chat.completions.create(hello());
        return { span: onlySpan(tel), logs: tel.logs() };
      } finally {
        await tel.shutdown();
      }
    });
  }

  const expectedSpanAttributes = () => ({
    ...baseChatAttributes(server),
    'gen_ai.response.id': 'chatcmpl-capture',
    'gen_ai.response.model': RESPONSE_MODEL,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 5,
    'gen_ai.usage.output_tokens': 3,
  });

  type Where = 'none' | 'span' | 'event' | 'both';

  async function expectCapture(result: Awaited<ReturnType<typeof recordOneCall>>, where: Where) {
    const { span, logs } = result;
    const onSpan = where === 'span' || where === 'both';
    const onEvent = where === 'event' || where === 'both';

    if (onSpan) {
      expect(span.attributes).toEqual({
        ...expectedSpanAttributes(),
        [INPUT_MESSAGES]: JSON.stringify(expectedInput),
        [OUTPUT_MESSAGES]: JSON.stringify(expectedOutput),
      });
    } else {
      expect(span.attributes).toEqual(expectedSpanAttributes());
    }

    if (!onEvent) {
      expect(logs).toEqual([]);
      return;
    }
    expect(logs).toHaveLength(1);
    const record = logs[0]!;
    expect(record.eventName).toBe(DETAILS_EVENT);
    expect(record.severityNumber).toBe(9);
    expect(record.severityText).toBe('INFO');
    expect(record.body).toBeUndefined();
    expect(record.attributes).toEqual({
      ...expectedSpanAttributes(),
      [INPUT_MESSAGES]: expectedInput,
      [OUTPUT_MESSAGES]: expectedOutput,
    });
    expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
    expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
  }

  describe('from config', () => {
    const cases: Array<[string, Where, OpenAIInstrumentationConfig]> = [
      ['default (unset)', 'none', {}],
      ['false', 'none', { captureMessageContent: false }],
      ['NO_CONTENT', 'none', { captureMessageContent: 'NO_CONTENT' }],
      ['true', 'span', { captureMessageContent: true }],
      ['SPAN_ONLY', 'span', { captureMessageContent: 'SPAN_ONLY' }],
      ['EVENT_ONLY', 'event', { captureMessageContent: 'EVENT_ONLY' }],
      ['SPAN_AND_EVENT', 'both', { captureMessageContent: 'SPAN_AND_EVENT' }],
    ];
    it.each(cases)('captureMessageContent %s → content on %s', async (_label, where, config) => {
      await expectCapture(await recordOneCall(config), where);
    });
  });

  describe('from OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (wins over config)', () => {
    const cases: Array<[string, OpenAIInstrumentationConfig, Where]> = [
      ['SPAN_ONLY', { captureMessageContent: false }, 'span'],
      ['event_only', { captureMessageContent: 'SPAN_ONLY' }, 'event'],
      [' Span_And_Event ', {}, 'both'],
      ['NO_CONTENT', { captureMessageContent: 'SPAN_AND_EVENT' }, 'none'],
      ['true', {}, 'span'],
      ['false', { captureMessageContent: true }, 'none'],
      // An unreadable env value is ignored (with a warning): a valid option still applies, none means no content.
      ['yes-please', { captureMessageContent: 'SPAN_AND_EVENT' }, 'both'],
      ['yes-please', {}, 'none'],
      ['', { captureMessageContent: 'EVENT_ONLY' }, 'event'],
    ];
    it.each(cases)('env %j with config %j → content on %s', async (env, config, where) => {
      await expectCapture(await recordOneCall(config, env), where);
    });
  });

  it('an invalid config value means no content', async () => {
    await expectCapture(await recordOneCall({ captureMessageContent: 'EVERYWHERE' as never }), 'none');
  });

  it('setConfig() with a new capture setting takes effect for the next call', async () => {
    const tel = setupTelemetry(OPENAI, { captureMessageContent: 'NO_CONTENT' });
    try {
      server.enqueue(json(chatCompletion()), json(chatCompletion()));
      await newClient().chat.completions.create(hello());
      tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_AND_EVENT' });
      await newClient().chat.completions.create(hello());

      const [first, second] = tel.spans();
      expect(first!.attributes).not.toHaveProperty([INPUT_MESSAGES]);
      expect(contentAttribute(second!, INPUT_MESSAGES)).toEqual(expectedInput);
      expect(tel.logs()).toHaveLength(1);
      expect(tel.logs()[0]!.spanContext?.spanId).toBe(second!.spanContext().spanId);
    } finally {
      await tel.shutdown();
    }
  });
});

describe('chat.completions.create: metrics', () => {
  const tel = useTelemetry(OPENAI);

  it('records duration and token usage with exact attributes and the advised buckets', async () => {
    server.enqueue(
      json(
        chatCompletion({
          model: 'metrics-a-2025',
          usage: usage(300, 42),
          service_tier: 'default',
          system_fingerprint: 'fp_metrics',
        }),
      ),
    );
    await newClient().chat.completions.create({ model: 'metrics-a', messages: [userMessage('hi')] });

    const metrics = await tel.metrics();
    const attrs = {
      ...baseMetricAttributes(server, 'metrics-a'),
      'gen_ai.response.model': 'metrics-a-2025',
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_metrics',
    };

    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-a');
    expect(duration.map((p) => p.attributes)).toEqual([attrs]);
    expect(duration[0]!.value.count).toBe(1);
    expect(duration[0]!.value.sum).toBeGreaterThan(0);
    expect(duration[0]!.value.sum).toBeLessThan(10);
    expect(duration[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(metricByName(metrics, 'gen_ai.client.operation.duration')!.descriptor.unit).toBe('s');

    const tokens = metricPoints(metrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-a');
    expect(tokens.map((p) => ({ attributes: p.attributes, count: p.value.count, sum: p.value.sum }))).toEqual([
      { attributes: { ...attrs, 'gen_ai.token.type': 'input' }, count: 1, sum: 300 },
      { attributes: { ...attrs, 'gen_ai.token.type': 'output' }, count: 1, sum: 42 },
    ]);
    for (const p of tokens) expect(p.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(metricByName(metrics, 'gen_ai.client.token.usage')!.descriptor.unit).toBe('{token}');
  });

  it('counts each call once', async () => {
    server.enqueue(json(chatCompletion({ model: 'metrics-b' })), json(chatCompletion({ model: 'metrics-b' })));
    await newClient().chat.completions.create({ model: 'metrics-b', messages: [userMessage('1')] });
    await newClient().chat.completions.create({ model: 'metrics-b', messages: [userMessage('2')] });

    const duration = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration').filter(
      (p) => p.attributes['gen_ai.request.model'] === 'metrics-b',
    );
    expect(duration).toHaveLength(1);
    expect(duration[0]!.value.count).toBe(2);
  });

  it('records a failed call with error.type on the duration and no token usage', async () => {
    server.enqueue(apiError(429, 'Rate limit reached', 'rate_limit_exceeded'));
    await expect(newClient().chat.completions.create({ model: 'metrics-c', messages: [userMessage('hi')] })).rejects.toThrow(
      OpenAI.RateLimitError,
    );

    const metrics = await tel.metrics();
    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-c');
    expect(duration.map((p) => p.attributes)).toEqual([{ ...baseMetricAttributes(server, 'metrics-c'), 'error.type': 'RateLimitError' }]);
    expect(duration[0]!.value.count).toBe(1);
    expect(metricPoints(metrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-c')).toEqual([]);
  });

  it('records no streaming metrics for a non-streamed call', async () => {
    server.enqueue(json(chatCompletion()));
    await newClient().chat.completions.create(hello());
    const metrics = await tel.metrics();
    expect(metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
    expect(metricPoints(metrics, 'gen_ai.client.operation.time_per_output_chunk')).toEqual([]);
  });
});

describe('chat.completions.create: errors', () => {
  const tel = useTelemetry(OPENAI, { captureMessageContent: 'SPAN_AND_EVENT' });

  function expectErrorSpan(error: Error & { code?: unknown }, errorType: string, baseAttrs = baseChatAttributes(server)) {
    const span = onlyErrorSpan(tel, error.message);
    expect(attributesWithoutContent(span)).toEqual({ ...baseAttrs, 'error.type': errorType });
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([userTextMessage('Say hello')]);
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    expect(span.events.map((e) => ({ name: e.name, attributes: e.attributes }))).toEqual([
      {
        name: 'exception',
        attributes: {
          'exception.type': error.code ? String(error.code) : error.name,
          'exception.message': error.message,
          'exception.stacktrace': error.stack,
        },
      },
    ]);
    return span;
  }

  const httpCases: Array<[number, string, new (...args: any[]) => Error, string]> = [
    [400, 'Invalid value for messages', OpenAI.BadRequestError, 'BadRequestError'],
    [401, 'Incorrect API key provided', OpenAI.AuthenticationError, 'AuthenticationError'],
    [404, 'The model does not exist', OpenAI.NotFoundError, 'NotFoundError'],
    [429, 'Rate limit reached for requests', OpenAI.RateLimitError, 'RateLimitError'],
    [500, 'The server had an error', OpenAI.InternalServerError, 'InternalServerError'],
  ];

  it.each(httpCases)('HTTP %i → the SDK error class, an ERROR span with error.type and an exception event', async (status, message, ErrorClass, errorType) => {
    server.enqueue(apiError(status, message));

    const error = await captureRejection(newClient().chat.completions.create(hello()));

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.constructor).toBe(ErrorClass);
    expect(error.message).toBe(`${status} ${message}`);
    expect(error.status).toBe(status);
    expect(requestIdOf(error)).toMatch(/^req_mock_\d+$/);
    const span = expectErrorSpan(error, errorType);

    const logs = tel.logs();
    expect(logs.map((l) => l.eventName)).toEqual([DETAILS_EVENT, EXCEPTION_EVENT]);
    expect(logs[0]!.attributes).toEqual({
      ...baseChatAttributes(server),
      'error.type': errorType,
      [INPUT_MESSAGES]: [userTextMessage('Say hello')],
    });
    expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
    expectExceptionLog(logs[1]!, span, { ...baseChatAttributes(server), 'error.type': errorType });
    expect(logs[1]!.attributes['exception.message']).toBe(error.message);
  });

  it('an HTTP error reaches the app exactly as without instrumentation', async () => {
    server.enqueue(apiError(400, 'bad'), apiError(400, 'bad'));
    const instrumented = await captureRejection(newClient().chat.completions.create(hello()));
    tel.instrumentation.disable();
    let plain: any;
    try {
      plain = await captureRejection(newClient().chat.completions.create(hello()));
    } finally {
      tel.instrumentation.enable();
    }
    expect(tel.spans()).toHaveLength(1);
    expect(instrumented.constructor).toBe(plain.constructor);
    expect(instrumented.message).toBe(plain.message);
    expect(instrumented.status).toBe(plain.status);
    expect(instrumented.error).toEqual(plain.error);
  });

  it.each([
    ['a string', 'hello'],
    ['an array', [1, 2]],
  ])('a request body that is %s still makes a request: the call gets one span, which ends with its error', async (_, body) => {
    server.enqueue(apiError(400, 'Invalid body'));

    const error = await captureRejection(newClient().chat.completions.create(body as never));

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(server.requests).toHaveLength(1);
    const span = onlyErrorSpan(tel, '400 Invalid body');
    expect(span.name).toBe('chat');
    expect(attributesWithoutContent(span)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'openai.api.type': 'chat_completions',
      'error.type': 'BadRequestError',
    });
  });

  it('connection refused → APIConnectionError and an ERROR span for that server', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });

    const error = await captureRejection(newClient(`http://127.0.0.1:${closedPort}/v1`).chat.completions.create(hello()));

    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error.constructor).toBe(OpenAI.APIConnectionError);
    expect(error.message).toBe('Connection error.');
    expectErrorSpan(error, 'APIConnectionError', { ...baseChatAttributes(server), 'server.port': closedPort });
  });
});
