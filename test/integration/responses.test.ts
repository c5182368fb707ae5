/*
 * responses.create / responses.stream / responses.parse through the real openai SDK against the loopback
 * mock server, with the instrumentation patched in. Every test asserts the complete attribute set of
 * the span (only timing values are checked separately) and the exact content JSON.
 */
import OpenAI from 'openai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MockOpenAIServer, apiError, json } from '../mock-servers/openai-server';
import { finalResponseHasOutputText, responsesErrorEventThrows } from '../helpers/sdk-compat';
import { setupTelemetry, metricPoints, type TestTelemetry } from '../helpers/telemetry';
import {
  functionCallItem,
  messageItem,
  outputTextOf,
  reasoningItem,
  responseEvents,
  responseObject,
  responseStreamReply,
  usage,
} from '../fixtures/responses';

const CONTENT_KEYS = ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.definitions'];
const TTFC = 'gen_ai.response.time_to_first_chunk';

/** The only finished span, checked for name, kind and that it is a root span. */
function onlySpan(tel: TestTelemetry): ReadableSpan {
  const spans = tel.spans();
  expect(spans.map((s) => s.name)).toHaveLength(1);
  const span = spans[0]!;
  expect(span.kind).toBe(SpanKind.CLIENT);
  return span;
}

/** Span attributes with the content attributes parsed from their JSON strings. */
function parsedAttributes(span: ReadableSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (CONTENT_KEYS.includes(k)) {
      expect(typeof v).toBe('string');
      out[k] = JSON.parse(v as string);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Checks TTFC is a plausible duration (within the span's own duration) and removes it. */
function takeTtfc(span: ReadableSpan, attrs: Record<string, unknown>): void {
  const ttfc = attrs[TTFC];
  expect(typeof ttfc).toBe('number');
  const durationS = span.duration[0] + span.duration[1] / 1e9;
  expect(ttfc as number).toBeGreaterThan(0);
  // TTFC is timed from just before the span starts (different clocks): allow a few ms of skew.
  expect(ttfc as number).toBeLessThanOrEqual(durationS + 0.005);
  delete attrs[TTFC];
}

describe('openai responses', () => {
  const server = new MockOpenAIServer();
  let tel: TestTelemetry;
  let client: OpenAI;
  let base: Record<string, unknown>;

  beforeAll(async () => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    await server.start();
    tel = setupTelemetry({ captureMessageContent: 'SPAN_ONLY' });
    client = new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
    base = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'openai.api.type': 'responses',
    };
  });
  afterAll(async () => {
    try {
      await tel.shutdown();
    } finally {
      await server.stop();
    }
  });
  beforeEach(() => {
    tel.reset();
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY' });
    server.requests.length = 0;
  });
  afterEach(() => {
    // A failed test must not leave scripted replies behind for the next one.
    (server as unknown as { queue: unknown[] }).queue.length = 0;
  });

  describe('non-streamed create', () => {
    it('string input with instructions: request params, response, usage, content, SDK result unchanged', async () => {
      const final = responseObject({
        id: 'resp_001',
        model: 'gpt-4.1-2025-04-14',
        output: [messageItem('msg_001', 'Hi there, how can I help?')],
        usage: usage({ input: 12, output: 7, cached: 4, reasoning: 0 }),
      });
      server.enqueue(json(final));

      const result = await client.responses.create({
        model: 'gpt-4.1',
        instructions: 'Be brief.',
        input: 'Hello?',
        max_output_tokens: 128,
        temperature: 0.2,
        top_p: 0.9,
      });

      // What the app gets is exactly what the server sent, plus the SDK's own output_text.
      expect(result.output_text).toBe('Hi there, how can I help?');
      expect(result).toEqual({ ...final, output_text: 'Hi there, how can I help?' });
      expect(result._request_id).toBe('req_mock_1');
      // The wire request is the app's request.
      expect(server.requests[0]!.path).toBe('/v1/responses');
      expect(server.requests[0]!.body).toEqual({
        model: 'gpt-4.1',
        instructions: 'Be brief.',
        input: 'Hello?',
        max_output_tokens: 128,
        temperature: 0.2,
        top_p: 0.9,
      });

      const span = onlySpan(tel);
      expect(span.name).toBe('chat gpt-4.1');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.parentSpanContext).toBeUndefined();
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.max_tokens': 128,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.response.id': 'resp_001',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
        'gen_ai.usage.cache_read.input_tokens': 4,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.system_instructions': [{ type: 'text', content: 'Be brief.' }],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hello?' }] }],
        'gen_ai.output.messages': [
          { role: 'assistant', parts: [{ type: 'text', content: 'Hi there, how can I help?' }], finish_reason: 'stop' },
        ],
      });

      const points = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage').filter(
        (p) => p.attributes['gen_ai.request.model'] === 'gpt-4.1',
      );
      const metricBase = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4.1',
        'server.address': '127.0.0.1',
        'server.port': server.port,
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'openai.response.service_tier': 'default',
      };
      expect(points.map((p) => ({ attributes: p.attributes, sum: p.value.sum, count: p.value.count }))).toEqual([
        { attributes: { ...metricBase, 'gen_ai.token.type': 'input' }, sum: 12, count: 1 },
        { attributes: { ...metricBase, 'gen_ai.token.type': 'output' }, sum: 7, count: 1 },
      ]);
    });

    it('item-array input: messages with text and images, reasoning, function call round trip, tools, json output, reasoning effort, conversation', async () => {
      const final = responseObject({
        id: 'resp_002',
        model: 'o4-mini-2025-04-16',
        output: [
          reasoningItem('rs_002', 'Need the weather for Lyon.'),
          messageItem('msg_002', 'Let me check Lyon.'),
          functionCallItem('fc_002', 'call_002', 'get_weather', '{"city":"Lyon"}'),
        ],
        usage: usage({ input: 50, output: 30, cached: 0, reasoning: 20 }),
      });
      server.enqueue(json(final));
      const weatherTool = {
        type: 'function' as const,
        name: 'get_weather',
        description: 'Current weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
        strict: true,
      };

      const result = await client.responses.create({
        model: 'o4-mini',
        conversation: 'conv_123',
        reasoning: { effort: 'high' },
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: {} }, strict: false } },
        tools: [weatherTool, { type: 'web_search' }],
        input: [
          { type: 'message', role: 'developer', content: 'Be terse.' },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is in these images, and what is the weather?' },
              { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' },
              { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
              { type: 'input_image', file_id: 'file-abc123', detail: 'auto' },
            ],
          },
          {
            type: 'message',
            id: 'msg_000',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: 'A cat.', annotations: [] }],
          },
          { type: 'reasoning', id: 'rs_001', summary: [{ type: 'summary_text', text: 'Need the weather for Paris.' }] },
          { type: 'function_call', id: 'fc_001', call_id: 'call_001', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_001', output: 'rainy, 14C' },
        ],
      });
      expect(result.output_text).toBe('Let me check Lyon.');
      expect(result.output).toEqual(final.output);

      const span = onlySpan(tel);
      expect(span.name).toBe('chat o4-mini');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'o4-mini',
        'gen_ai.conversation.id': 'conv_123',
        'gen_ai.output.type': 'json',
        'gen_ai.request.reasoning.level': 'high',
        'gen_ai.response.id': 'resp_002',
        'gen_ai.response.model': 'o4-mini-2025-04-16',
        'gen_ai.response.finish_reasons': ['tool_call'],
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 20,
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [
          { role: 'developer', parts: [{ type: 'text', content: 'Be terse.' }] },
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'What is in these images, and what is the weather?' },
              { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
              { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' },
              { type: 'file', modality: 'image', file_id: 'file-abc123' },
            ],
          },
          { role: 'assistant', parts: [{ type: 'text', content: 'A cat.' }] },
          { role: 'assistant', parts: [{ type: 'reasoning', content: 'Need the weather for Paris.' }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_001', name: 'get_weather', arguments: { city: 'Paris' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_001', response: 'rainy, 14C' }] },
        ],
        'gen_ai.tool.definitions': [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
          },
          { type: 'web_search', name: 'web_search' },
        ],
        'gen_ai.output.messages': [
          {
            role: 'assistant',
            // All output items of the Response form one assistant message, in item order.
            parts: [
              { type: 'reasoning', content: 'Need the weather for Lyon.' },
              { type: 'text', content: 'Let me check Lyon.' },
              { type: 'tool_call', id: 'call_002', name: 'get_weather', arguments: { city: 'Lyon' } },
            ],
            finish_reason: 'tool_call',
          },
        ],
      });
    });

    it('incomplete (max_output_tokens) maps to finish reason length; conversation object id; text format json_object / text', async () => {
      const final = responseObject({
        id: 'resp_003',
        model: 'gpt-4.1-mini-2025-04-14',
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [messageItem('msg_003', 'Once upon a', 'incomplete')],
        usage: usage({ input: 9, output: 16 }),
        service_tier: 'flex',
      });
      server.enqueue(json(final));
      const result = await client.responses.create({
        model: 'gpt-4.1-mini',
        input: 'Tell me a story.',
        max_output_tokens: 16,
        conversation: { id: 'conv_456' },
        text: { format: { type: 'text' } },
        service_tier: 'flex',
      });
      expect(result.output_text).toBe('Once upon a');
      expect(result.status).toBe('incomplete');

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1-mini',
        'gen_ai.request.max_tokens': 16,
        'gen_ai.conversation.id': 'conv_456',
        'gen_ai.output.type': 'text',
        'openai.request.service_tier': 'flex',
        'gen_ai.response.id': 'resp_003',
        'gen_ai.response.model': 'gpt-4.1-mini-2025-04-14',
        'gen_ai.response.finish_reasons': ['length'],
        'gen_ai.usage.input_tokens': 9,
        'gen_ai.usage.output_tokens': 16,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'flex',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Tell me a story.' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Once upon a' }], finish_reason: 'length' }],
      });
    });

    it('a response that came back with status failed is an error span', async () => {
      const final = responseObject({
        id: 'resp_004',
        model: 'gpt-4.1-2025-04-14',
        status: 'failed',
        error: { code: 'server_error', message: 'The model produced invalid content.' },
        output: [],
        usage: usage({ input: 5, output: 0 }),
      });
      server.enqueue(json(final));
      const result = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ code: 'server_error', message: 'The model produced invalid content.' });

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'The model produced invalid content.' });
      // Nothing was thrown to the app, so there is no exception event.
      expect(span.events).toEqual([]);
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'error.type': 'server_error',
        'gen_ai.response.id': 'resp_004',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['error'],
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 0,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [], finish_reason: 'error' }],
      });
      const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration').filter(
        (p) => p.attributes['error.type'] === 'server_error',
      );
      expect(durations.map((p) => p.attributes)).toEqual([
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4.1',
          'server.address': '127.0.0.1',
          'server.port': server.port,
          'gen_ai.response.model': 'gpt-4.1-2025-04-14',
          'openai.response.service_tier': 'default',
          'error.type': 'server_error',
        },
      ]);
    });

    it('no content attributes at all when capture is off (tool definitions included)', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: false });
      server.enqueue(
        json(responseObject({ id: 'resp_005', model: 'gpt-4.1-2025-04-14', output: [messageItem('msg_005', 'ok')], usage: usage({ input: 3, output: 1 }) })),
      );
      await client.responses.create({
        model: 'gpt-4.1',
        instructions: 'secret instructions',
        input: 'secret input',
        tools: [{ type: 'function', name: 'f', parameters: {}, strict: false }],
      });
      const span = onlySpan(tel);
      expect(span.attributes).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.response.id': 'resp_005',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
      });
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
      expect(tel.logs()).toEqual([]);
    });

    it('EVENT_ONLY: content goes to the details event as structured values, not to the span', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
      server.enqueue(
        json(responseObject({ id: 'resp_007', model: 'gpt-4.1-2025-04-14', output: [messageItem('msg_007', 'Bonjour')], usage: usage({ input: 6, output: 2 }) })),
      );
      await client.responses.create({ model: 'gpt-4.1', instructions: 'Translate to French.', input: 'Hello' });
      const span = onlySpan(tel);
      const spanAttrs = {
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.response.id': 'resp_007',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 6,
        'gen_ai.usage.output_tokens': 2,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
      };
      expect(span.attributes).toEqual(spanAttrs);
      const logs = tel.logs();
      expect(logs).toHaveLength(1);
      expect(logs[0]!.eventName).toBe('gen_ai.client.inference.operation.details');
      expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
      expect(logs[0]!.attributes).toEqual({
        ...spanAttrs,
        'gen_ai.system_instructions': [{ type: 'text', content: 'Translate to French.' }],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'stop' }],
      });
    });

    it('HTTP error: span ERROR with the SDK error class, the app gets the same error', async () => {
      server.enqueue(apiError(429, 'Rate limit reached', 'requests'));
      const err = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'error.type': 'RateLimitError',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
      });
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
    });

    it('withResponse() keeps working and records one span', async () => {
      const final = responseObject({ id: 'resp_006', model: 'gpt-4.1-2025-04-14', output: [messageItem('msg_006', 'yes')], usage: usage({ input: 2, output: 1 }) });
      server.enqueue(json(final));
      const { data, response, request_id } = await client.responses.create({ model: 'gpt-4.1', input: 'ok?' }).withResponse();
      expect(data.output_text).toBe('yes');
      expect(response.status).toBe(200);
      expect(request_id).toBe('req_mock_1');
      const span = onlySpan(tel);
      expect(span.attributes['gen_ai.response.id']).toBe('resp_006');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    });
  });

  describe('streamed create', () => {
    it('records the completed response, TTFC and stream flag; the app sees every event unchanged', async () => {
      const final = responseObject({
        id: 'resp_101',
        model: 'gpt-4.1-2025-04-14',
        output: [messageItem('msg_101', 'Streaming works fine.')],
        usage: usage({ input: 20, output: 5, cached: 8 }),
      });
      const events = responseEvents(final);
      server.enqueue(responseStreamReply(events));

      const stream = await client.responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'Stream please', stream: true });
      const seen: unknown[] = [];
      let text = '';
      for await (const event of stream) {
        seen.push(event);
        if (event.type === 'response.output_text.delta') text += event.delta;
      }
      expect(seen).toEqual(events);
      expect(text).toBe('Streaming works fine.');
      expect(server.requests[0]!.body.stream).toBe(true);

      const span = onlySpan(tel);
      expect(span.name).toBe('chat gpt-4.1');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      const attrs = parsedAttributes(span);
      takeTtfc(span, attrs);
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'gen_ai.response.id': 'resp_101',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 20,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.usage.cache_read.input_tokens': 8,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.system_instructions': [{ type: 'text', content: 'Be brief.' }],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Stream please' }] }],
        'gen_ai.output.messages': [
          { role: 'assistant', parts: [{ type: 'text', content: 'Streaming works fine.' }], finish_reason: 'stop' },
        ],
      });

      const ttfcPoints = metricPoints(await tel.metrics(), 'gen_ai.client.operation.time_to_first_chunk').filter(
        (p) => p.attributes['gen_ai.response.model'] === 'gpt-4.1-2025-04-14',
      );
      expect(ttfcPoints.length).toBeGreaterThanOrEqual(1);
    });

    it('a streamed tool call ends with finish reason tool_call and the assembled call', async () => {
      const final = responseObject({
        id: 'resp_102',
        model: 'gpt-4.1-2025-04-14',
        output: [functionCallItem('fc_102', 'call_102', 'get_weather', '{"city":"Berlin","unit":"c"}')],
        usage: usage({ input: 40, output: 12 }),
      });
      server.enqueue(responseStreamReply(responseEvents(final)));
      const stream = await client.responses.create({
        model: 'gpt-4.1',
        input: 'Weather in Berlin?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
        stream: true,
      });
      let args = '';
      for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      expect(args).toBe('{"city":"Berlin","unit":"c"}');

      const span = onlySpan(tel);
      const attrs = parsedAttributes(span);
      takeTtfc(span, attrs);
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'gen_ai.response.id': 'resp_102',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['tool_call'],
        'gen_ai.usage.input_tokens': 40,
        'gen_ai.usage.output_tokens': 12,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Berlin?' }] }],
        'gen_ai.tool.definitions': [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
        'gen_ai.output.messages': [
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_102', name: 'get_weather', arguments: { city: 'Berlin', unit: 'c' } }],
            finish_reason: 'tool_call',
          },
        ],
      });
    });

    it('response.incomplete ends with finish reason length', async () => {
      const final = responseObject({
        id: 'resp_103',
        model: 'gpt-4.1-2025-04-14',
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [messageItem('msg_103', 'Partial ans', 'incomplete')],
        usage: usage({ input: 4, output: 3 }),
      });
      server.enqueue(responseStreamReply(responseEvents(final)));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', max_output_tokens: 3, stream: true });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types[types.length - 1]).toBe('response.incomplete');
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
      expect(span.attributes['gen_ai.request.max_tokens']).toBe(3);
      expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: 'Partial ans' }], finish_reason: 'length' },
      ]);
    });

    it('response.failed: the app iterates to the end, the span is an error with the API error code', async () => {
      const final = responseObject({
        id: 'resp_104',
        model: 'gpt-4.1-2025-04-14',
        status: 'failed',
        error: { code: 'rate_limit_exceeded', message: 'Too many tokens.' },
        output: [],
        usage: null,
      });
      const events = responseEvents(final);
      server.enqueue(responseStreamReply(events));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      const seen: unknown[] = [];
      for await (const event of stream) seen.push(event);
      expect(seen).toEqual(events);

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Too many tokens.' });
      expect(span.events).toEqual([]);
      const attrs = parsedAttributes(span);
      takeTtfc(span, attrs);
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'error.type': 'rate_limit_exceeded',
        'gen_ai.response.id': 'resp_104',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['error'],
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'x' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [], finish_reason: 'error' }],
      });
    });

    it('an `error` SSE event: the span is an error, whether the SDK throws it (4.x, 7.x) or yields it (5.x, 6.x)', async () => {
      const partial = responseObject({ id: 'resp_105', model: 'gpt-4.1-2025-04-14', output: [] });
      const errorEvent = { type: 'error', code: 'server_error', message: 'Something broke', param: null, sequence_number: 2 };
      const events = [...responseEvents(partial, { truncateAfter: 2 }), errorEvent];
      server.enqueue(responseStreamReply(events));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      const seen: unknown[] = [];
      const err = await (async () => {
        for await (const event of stream) seen.push(event);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Something broke' });
      let errorType: string;
      if (responsesErrorEventThrows) {
        // The SDK turns the event into an APIError for the app: the span records that exception.
        expect(seen).toEqual(events.slice(0, 2));
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect((err as Error).message).toBe('Something broke');
        expect(span.events.map((e) => e.name)).toEqual(['exception']);
        errorType = 'APIError';
      } else {
        // openai 5.x/6.x hand the event to the app and end the stream normally: nothing is thrown, the
        // call failed all the same, with the event's code as error.type.
        expect(err).toBeUndefined();
        expect(seen).toEqual(events);
        expect(span.events).toEqual([]);
        errorType = 'server_error';
      }
      const attrs = parsedAttributes(span);
      takeTtfc(span, attrs);
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'error.type': errorType,
        'gen_ai.response.id': 'resp_105',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['error'],
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'x' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [], finish_reason: 'error' }],
      });
    });

    it('an `error` event before any response event: an error span with finish reason error, on every major', async () => {
      const errorEvent = { type: 'error', code: 'invalid_prompt', message: 'Prompt rejected', param: null, sequence_number: 0 };
      server.enqueue(responseStreamReply([errorEvent]));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      const seen: unknown[] = [];
      const err = await (async () => {
        for await (const event of stream) seen.push(event);
      })().then(
        () => undefined,
        (e: unknown) => e,
      );

      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Prompt rejected' });
      const attrs = parsedAttributes(span);
      let errorType: string;
      if (responsesErrorEventThrows) {
        // 4.x/7.x throw before yielding anything: no chunk reached the app, so there is no TTFC.
        expect(seen).toEqual([]);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect((err as Error).message).toBe('Prompt rejected');
        expect(span.events.map((e) => e.name)).toEqual(['exception']);
        errorType = 'APIError';
      } else {
        // 5.x/6.x yield the event (one chunk) and end the stream normally.
        expect(err).toBeUndefined();
        expect(seen).toEqual([errorEvent]);
        expect(span.events).toEqual([]);
        takeTtfc(span, attrs);
        errorType = 'invalid_prompt';
      }
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'error.type': errorType,
        'gen_ai.response.finish_reasons': ['error'],
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'x' }] }],
      });
    });

    it('an `error` event sent without an `event:` line (the SDK yields it) still makes an error span', async () => {
      const partial = responseObject({ id: 'resp_108', model: 'gpt-4.1-2025-04-14', output: [] });
      const events = [
        ...responseEvents(partial, { truncateAfter: 1 }),
        { type: 'error', code: null, message: 'Upstream hiccup', param: null, sequence_number: 1 },
      ];
      server.enqueue(responseStreamReply(events, { namedEvents: false }));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      const seen: unknown[] = [];
      for await (const event of stream) seen.push(event);
      expect(seen).toEqual(events);
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Upstream hiccup' });
      expect(span.attributes['error.type']).toBe('_OTHER');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    });

    it('a stream cut off before the terminal event records finish reason error', async () => {
      const final = responseObject({ id: 'resp_106', model: 'gpt-4.1-2025-04-14', output: [messageItem('msg_106', 'never finished')] });
      server.enqueue(responseStreamReply(responseEvents(final, { truncateAfter: 6 })));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      let count = 0;
      for await (const _event of stream) count++;
      expect(count).toBe(6);
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes['gen_ai.response.id']).toBe('resp_106');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
      expect(span.attributes['gen_ai.request.stream']).toBe(true);
    });

    it('breaking out early ends the span once and aborts the request', async () => {
      const final = responseObject({ id: 'resp_107', model: 'gpt-4.1-2025-04-14', output: [messageItem('msg_107', 'a fairly long answer text')] });
      server.enqueue(responseStreamReply(responseEvents(final), { delayMs: 5 }));
      const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      for await (const event of stream) if (event.type === 'response.output_text.delta') break;
      expect(stream.controller.signal.aborted).toBe(true);
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes['gen_ai.response.id']).toBe('resp_107');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    });
  });

  describe('SDK helpers', () => {
    it('client.responses.stream(): one span, the helper still assembles the final response', async () => {
      const final = responseObject({
        id: 'resp_201',
        model: 'gpt-4.1-2025-04-14',
        output: [messageItem('msg_201', 'Helper streaming output.')],
        usage: usage({ input: 11, output: 4 }),
      });
      server.enqueue(responseStreamReply(responseEvents(final)));
      const runner = client.responses.stream({ model: 'gpt-4.1', input: 'Use the helper' });
      const deltas: string[] = [];
      runner.on('response.output_text.delta', (e) => deltas.push(e.delta));
      const finalResponse = await runner.finalResponse();
      expect(deltas.join('')).toBe('Helper streaming output.');
      expect(finalResponse.id).toBe('resp_201');
      // openai 4.x/5.x do not add the `output_text` convenience field to the helper's final response.
      expect(finalResponse.output_text).toBe(finalResponseHasOutputText ? outputTextOf(final) : undefined);
      expect(finalResponse.output).toEqual(
        final.output.map((item: Record<string, unknown>) => ({
          ...item,
          content: (item.content as Record<string, unknown>[]).map((c) => ({ ...c, parsed: null })),
        })),
      );
      expect(server.requests).toHaveLength(1);

      const span = onlySpan(tel);
      const attrs = parsedAttributes(span);
      takeTtfc(span, attrs);
      expect(attrs).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        'gen_ai.response.id': 'resp_201',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 11,
        'gen_ai.usage.output_tokens': 4,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Use the helper' }] }],
        'gen_ai.output.messages': [
          { role: 'assistant', parts: [{ type: 'text', content: 'Helper streaming output.' }], finish_reason: 'stop' },
        ],
      });
    });

    it('client.responses.parse(): one span, output_parsed unchanged', async () => {
      const answer = { city: 'Paris', temperature: 14 };
      const final = responseObject({
        id: 'resp_202',
        model: 'gpt-4.1-2025-04-14',
        output: [messageItem('msg_202', JSON.stringify(answer))],
        usage: usage({ input: 30, output: 9 }),
      });
      server.enqueue(json(final));
      const parsed = await client.responses.parse({
        model: 'gpt-4.1',
        input: 'Weather as JSON',
        text: {
          format: {
            type: 'json_schema',
            name: 'weather',
            strict: true,
            schema: {
              type: 'object',
              properties: { city: { type: 'string' }, temperature: { type: 'number' } },
              required: ['city', 'temperature'],
              additionalProperties: false,
            },
          },
        },
      });
      expect(parsed.output_parsed).toEqual(answer);
      expect(parsed.output_text).toBe(JSON.stringify(answer));
      expect(server.requests).toHaveLength(1);

      const span = onlySpan(tel);
      expect(parsedAttributes(span)).toEqual({
        ...base,
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.output.type': 'json',
        'gen_ai.response.id': 'resp_202',
        'gen_ai.response.model': 'gpt-4.1-2025-04-14',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 9,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'openai.response.service_tier': 'default',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Weather as JSON' }] }],
        'gen_ai.output.messages': [
          { role: 'assistant', parts: [{ type: 'text', content: JSON.stringify(answer) }], finish_reason: 'stop' },
        ],
      });
    });
  });
});
