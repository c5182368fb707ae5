/*
 * responses.create / responses.stream / responses.parse through the real openai SDK against the loopback
 * mock server, with the instrumentation patched in. Every test asserts the complete attribute set of
 * the span (only timing values are checked separately) and the exact content JSON.
 */
import OpenAI from 'openai';
import { SpanStatusCode } from '@opentelemetry/api';
import { apiError, json } from '../mock-servers/openai-server';
import { finalResponseHasOutputText, responsesErrorEventThrows } from '../helpers/sdk-compat';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { collect, collectUntilError } from '../helpers/async';
import {
  DETAILS_EVENT,
  assistantOutput,
  assistantTextOutput,
  onlyErrorSpan,
  onlySpan,
  parsedAttributes,
  textPart,
  toolCallPart,
  toolResponsePart,
  userTextMessage,
} from '../helpers/spans';
import {
  failedResponse,
  functionCallItem,
  messageItem,
  messageResponse,
  outputTextOf,
  reasoningItem,
  responseEvents,
  responseObject,
  responseStreamReply,
  usage,
  type UsageSpec,
} from '../fixtures/responses';

const RESPONSE_MODEL = 'gpt-4.1-2025-04-14';

describe('openai responses', () => {
  const { server, tel, client, baseAttributes } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  /** The attributes every responses span starts with, for a request to `model`, plus `extra` request attributes. */
  const requestAttributes = (model = 'gpt-4.1', extra: Record<string, unknown> = {}) =>
    baseAttributes('chat', { 'openai.api.type': 'responses', 'gen_ai.request.model': model, ...extra });

  /** The attributes a Response adds: id, model, finish reason, token usage (when it had any) and service tier. */
  const responseAttributes = (id: string, finishReason: string, tokens?: UsageSpec, opts: { model?: string; tier?: string } = {}) => ({
    'gen_ai.response.id': id,
    'gen_ai.response.model': opts.model ?? RESPONSE_MODEL,
    'gen_ai.response.finish_reasons': [finishReason],
    ...(tokens && {
      'gen_ai.usage.input_tokens': tokens.input,
      'gen_ai.usage.output_tokens': tokens.output,
      'gen_ai.usage.cache_read.input_tokens': tokens.cached ?? 0,
      'gen_ai.usage.reasoning.output_tokens': tokens.reasoning ?? 0,
    }),
    'openai.response.service_tier': opts.tier ?? 'default',
  });

  /** The metric attributes of a gpt-4.1 call answered by RESPONSE_MODEL, plus `extra`. */
  const metricAttributes = (extra: Record<string, unknown> = {}) =>
    baseAttributes('chat', {
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.response.model': RESPONSE_MODEL,
      'openai.response.service_tier': 'default',
      ...extra,
    });

  describe('non-streamed create', () => {
    it('string input with instructions: request params, response, usage, content, SDK result unchanged', async () => {
      const final = messageResponse('resp_001', RESPONSE_MODEL, 'Hi there, how can I help?', usage({ input: 12, output: 7, cached: 4, reasoning: 0 }));
      server.enqueue(json(final));
      const request = {
        model: 'gpt-4.1',
        instructions: 'Be brief.',
        input: 'Hello?',
        max_output_tokens: 128,
        temperature: 0.2,
        top_p: 0.9,
      };

      const result = await client().responses.create({ ...request });

      // What the app gets is exactly what the server sent, plus the SDK's own output_text.
      expect(result.output_text).toBe('Hi there, how can I help?');
      expect(result).toEqual({ ...final, output_text: 'Hi there, how can I help?' });
      expect(result._request_id).toBe('req_mock_1');
      // The wire request is the app's request.
      expect(server.requests[0]!.path).toBe('/v1/responses');
      expect(server.requests[0]!.body).toEqual(request);

      const span = onlySpan(tel);
      expect(span.name).toBe('chat gpt-4.1');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.parentSpanContext).toBeUndefined();
      expect(parsedAttributes(span)).toEqual({
        ...requestAttributes('gpt-4.1', { 'gen_ai.request.max_tokens': 128, 'gen_ai.request.temperature': 0.2, 'gen_ai.request.top_p': 0.9 }),
        ...responseAttributes('resp_001', 'stop', { input: 12, output: 7, cached: 4, reasoning: 0 }),
        'gen_ai.system_instructions': [textPart('Be brief.')],
        'gen_ai.input.messages': [userTextMessage('Hello?')],
        'gen_ai.output.messages': [assistantTextOutput('Hi there, how can I help?')],
      });

      const points = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage').filter(
        (p) => p.attributes['gen_ai.request.model'] === 'gpt-4.1',
      );
      expect(points.map((p) => ({ attributes: p.attributes, sum: p.value.sum, count: p.value.count }))).toEqual([
        { attributes: metricAttributes({ 'gen_ai.token.type': 'input' }), sum: 12, count: 1 },
        { attributes: metricAttributes({ 'gen_ai.token.type': 'output' }), sum: 7, count: 1 },
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

      const result = await client().responses.create({
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
        ...requestAttributes('o4-mini', { 'gen_ai.conversation.id': 'conv_123', 'gen_ai.output.type': 'json', 'gen_ai.request.reasoning.level': 'high' }),
        ...responseAttributes('resp_002', 'tool_call', { input: 50, output: 30, cached: 0, reasoning: 20 }, { model: 'o4-mini-2025-04-16' }),
        'gen_ai.input.messages': [
          { role: 'developer', parts: [textPart('Be terse.')] },
          {
            role: 'user',
            parts: [
              textPart('What is in these images, and what is the weather?'),
              { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
              // Inline binary is replaced by a placeholder with its type and decoded size (the default).
              { type: 'blob', modality: 'image', mime_type: 'image/png', content: '[BINARY image/png 8 bytes omitted]' },
              { type: 'file', modality: 'image', file_id: 'file-abc123' },
            ],
          },
          { role: 'assistant', parts: [textPart('A cat.')] },
          { role: 'assistant', parts: [{ type: 'reasoning', content: 'Need the weather for Paris.' }] },
          { role: 'assistant', parts: [toolCallPart('call_001', 'get_weather', { city: 'Paris' })] },
          { role: 'tool', parts: [toolResponsePart('call_001', 'rainy, 14C')] },
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
          // All output items of the Response form one assistant message, in item order.
          assistantOutput(
            [
              { type: 'reasoning', content: 'Need the weather for Lyon.' },
              textPart('Let me check Lyon.'),
              toolCallPart('call_002', 'get_weather', { city: 'Lyon' }),
            ],
            'tool_call',
          ),
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
      const result = await client().responses.create({
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
        ...requestAttributes('gpt-4.1-mini', {
          'gen_ai.request.max_tokens': 16,
          'gen_ai.conversation.id': 'conv_456',
          'gen_ai.output.type': 'text',
          'openai.request.service_tier': 'flex',
        }),
        ...responseAttributes('resp_003', 'length', { input: 9, output: 16 }, { model: 'gpt-4.1-mini-2025-04-14', tier: 'flex' }),
        'gen_ai.input.messages': [userTextMessage('Tell me a story.')],
        'gen_ai.output.messages': [assistantTextOutput('Once upon a', 'length')],
      });
    });

    it('a response that came back with status failed is an error span', async () => {
      const final = failedResponse('resp_004', RESPONSE_MODEL, { code: 'server_error', message: 'The model produced invalid content.' }, usage({ input: 5, output: 0 }));
      server.enqueue(json(final));
      const result = await client().responses.create({ model: 'gpt-4.1', input: 'Hi' });
      expect(result.status).toBe('failed');
      expect(result.error).toEqual({ code: 'server_error', message: 'The model produced invalid content.' });

      const span = onlyErrorSpan(tel, 'The model produced invalid content.');
      // Nothing was thrown to the app, so there is no exception event.
      expect(span.events).toEqual([]);
      expect(parsedAttributes(span)).toEqual({
        ...requestAttributes(),
        'error.type': 'server_error',
        ...responseAttributes('resp_004', 'error', { input: 5, output: 0 }),
        'gen_ai.input.messages': [userTextMessage('Hi')],
        'gen_ai.output.messages': [assistantOutput([], 'error')],
      });
      const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration').filter(
        (p) => p.attributes['error.type'] === 'server_error',
      );
      expect(durations.map((p) => p.attributes)).toEqual([metricAttributes({ 'error.type': 'server_error' })]);
    });

    it('no content attributes at all when capture is off (tool definitions included)', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: false });
      server.enqueue(json(messageResponse('resp_005', RESPONSE_MODEL, 'ok', usage({ input: 3, output: 1 }))));
      await client().responses.create({
        model: 'gpt-4.1',
        instructions: 'secret instructions',
        input: 'secret input',
        tools: [{ type: 'function', name: 'f', parameters: {}, strict: false }],
      });
      const span = onlySpan(tel);
      expect(span.attributes).toEqual({ ...requestAttributes(), ...responseAttributes('resp_005', 'stop', { input: 3, output: 1 }) });
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
      expect(tel.logs()).toEqual([]);
    });

    it('EVENT_ONLY: content goes to the details event as structured values, not to the span', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: 'EVENT_ONLY' });
      server.enqueue(json(messageResponse('resp_007', RESPONSE_MODEL, 'Bonjour', usage({ input: 6, output: 2 }))));
      await client().responses.create({ model: 'gpt-4.1', instructions: 'Translate to French.', input: 'Hello' });
      const span = onlySpan(tel);
      const spanAttrs = { ...requestAttributes(), ...responseAttributes('resp_007', 'stop', { input: 6, output: 2 }) };
      expect(span.attributes).toEqual(spanAttrs);
      const logs = tel.logs();
      expect(logs).toHaveLength(1);
      expect(logs[0]!.eventName).toBe(DETAILS_EVENT);
      expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
      expect(logs[0]!.attributes).toEqual({
        ...spanAttrs,
        'gen_ai.system_instructions': [textPart('Translate to French.')],
        'gen_ai.input.messages': [userTextMessage('Hello')],
        'gen_ai.output.messages': [assistantTextOutput('Bonjour')],
      });
    });

    it('HTTP error: span ERROR with the SDK error class, the app gets the same error', async () => {
      server.enqueue(apiError(429, 'Rate limit reached', 'requests'));
      const err = await client().responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);

      const span = onlyErrorSpan(tel, (err as Error).message);
      expect(parsedAttributes(span)).toEqual({
        ...requestAttributes(),
        'error.type': 'RateLimitError',
        'gen_ai.input.messages': [userTextMessage('Hi')],
      });
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
    });

    it('withResponse() keeps working and records one span', async () => {
      const final = messageResponse('resp_006', RESPONSE_MODEL, 'yes', usage({ input: 2, output: 1 }));
      server.enqueue(json(final));
      const { data, response, request_id } = await client().responses.create({ model: 'gpt-4.1', input: 'ok?' }).withResponse();
      expect(data.output_text).toBe('yes');
      expect(response.status).toBe(200);
      expect(request_id).toBe('req_mock_1');
      const span = onlySpan(tel);
      expect(span.attributes['gen_ai.response.id']).toBe('resp_006');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    });
  });

  describe('streamed create', () => {
    /** The attributes every streamed gpt-4.1 request starts with. */
    const streamRequest = (extra: Record<string, unknown> = {}) => requestAttributes('gpt-4.1', { 'gen_ai.request.stream': true, ...extra });

    it('records the completed response, TTFC and stream flag; the app sees every event unchanged', async () => {
      const final = messageResponse('resp_101', RESPONSE_MODEL, 'Streaming works fine.', usage({ input: 20, output: 5, cached: 8 }));
      const events = responseEvents(final);
      server.enqueue(responseStreamReply(events));

      const stream = await client().responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'Stream please', stream: true });
      const seen = await collect(stream);
      expect(seen).toEqual(events);
      expect(seen.map((event) => (event.type === 'response.output_text.delta' ? event.delta : '')).join('')).toBe('Streaming works fine.');
      expect(server.requests[0]!.body.stream).toBe(true);

      const span = onlySpan(tel);
      expect(span.name).toBe('chat gpt-4.1');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
        ...streamRequest(),
        ...responseAttributes('resp_101', 'stop', { input: 20, output: 5, cached: 8 }),
        'gen_ai.system_instructions': [textPart('Be brief.')],
        'gen_ai.input.messages': [userTextMessage('Stream please')],
        'gen_ai.output.messages': [assistantTextOutput('Streaming works fine.')],
      });

      const ttfcPoints = metricPoints(await tel.metrics(), 'gen_ai.client.operation.time_to_first_chunk').filter(
        (p) => p.attributes['gen_ai.response.model'] === RESPONSE_MODEL,
      );
      expect(ttfcPoints.length).toBeGreaterThanOrEqual(1);
    });

    it('a streamed tool call ends with finish reason tool_call and the assembled call', async () => {
      const final = responseObject({
        id: 'resp_102',
        model: RESPONSE_MODEL,
        output: [functionCallItem('fc_102', 'call_102', 'get_weather', '{"city":"Berlin","unit":"c"}')],
        usage: usage({ input: 40, output: 12 }),
      });
      server.enqueue(responseStreamReply(responseEvents(final)));
      const stream = await client().responses.create({
        model: 'gpt-4.1',
        input: 'Weather in Berlin?',
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
        stream: true,
      });
      let args = '';
      for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      expect(args).toBe('{"city":"Berlin","unit":"c"}');

      const span = onlySpan(tel);
      expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
        ...streamRequest(),
        ...responseAttributes('resp_102', 'tool_call', { input: 40, output: 12 }),
        'gen_ai.input.messages': [userTextMessage('Weather in Berlin?')],
        'gen_ai.tool.definitions': [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
        'gen_ai.output.messages': [assistantOutput([toolCallPart('call_102', 'get_weather', { city: 'Berlin', unit: 'c' })], 'tool_call')],
      });
    });

    it('response.incomplete ends with finish reason length', async () => {
      const final = responseObject({
        id: 'resp_103',
        model: RESPONSE_MODEL,
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [messageItem('msg_103', 'Partial ans', 'incomplete')],
        usage: usage({ input: 4, output: 3 }),
      });
      server.enqueue(responseStreamReply(responseEvents(final)));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', max_output_tokens: 3, stream: true });
      const types = (await collect(stream)).map((event) => event.type);
      expect(types[types.length - 1]).toBe('response.incomplete');
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
      expect(span.attributes['gen_ai.request.max_tokens']).toBe(3);
      expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([assistantTextOutput('Partial ans', 'length')]);
    });

    it('response.failed: the app iterates to the end, the span is an error with the API error code', async () => {
      const final = failedResponse('resp_104', RESPONSE_MODEL, { code: 'rate_limit_exceeded', message: 'Too many tokens.' }, null);
      const events = responseEvents(final);
      server.enqueue(responseStreamReply(events));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      expect(await collect(stream)).toEqual(events);

      const span = onlyErrorSpan(tel, 'Too many tokens.');
      expect(span.events).toEqual([]);
      expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
        ...streamRequest({ 'error.type': 'rate_limit_exceeded' }),
        ...responseAttributes('resp_104', 'error'),
        'gen_ai.input.messages': [userTextMessage('x')],
        'gen_ai.output.messages': [assistantOutput([], 'error')],
      });
    });

    // How an `error` event reaches the app depends on the major: 4.x/7.x turn it into an APIError thrown
    // from the iteration (the span records that exception); 5.x/6.x hand the event to the app and end the
    // stream normally (nothing is thrown, the call failed all the same, with the event's code as error.type).
    const partial = responseObject({ id: 'resp_105', model: RESPONSE_MODEL, output: [] });
    const errorEventCases = [
      {
        title: 'an `error` SSE event: the span is an error, whether the SDK throws it (4.x, 7.x) or yields it (5.x, 6.x)',
        errorEvent: { type: 'error', code: 'server_error', message: 'Something broke', param: null, sequence_number: 2 },
        before: responseEvents(partial, { truncateAfter: 2 }),
        // Two events reached the app before the SDK threw: TTFC either way.
        ttfcWhenThrown: true,
        responseAttributes: () => ({
          ...responseAttributes('resp_105', 'error'),
          'gen_ai.output.messages': [assistantOutput([], 'error')],
        }),
      },
      {
        title: 'an `error` event before any response event: an error span with finish reason error, on every major',
        errorEvent: { type: 'error', code: 'invalid_prompt', message: 'Prompt rejected', param: null, sequence_number: 0 },
        before: [],
        // 4.x/7.x throw before yielding anything: no chunk reached the app, so there is no TTFC.
        ttfcWhenThrown: false,
        responseAttributes: () => ({ 'gen_ai.response.finish_reasons': ['error'] }),
      },
    ];
    it.each(errorEventCases)('$title', async ({ errorEvent, before, ttfcWhenThrown, responseAttributes: expectedResponse }) => {
      const events = [...before, errorEvent];
      server.enqueue(responseStreamReply(events));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      const { items: seen, error: err } = await collectUntilError(stream);

      const span = onlyErrorSpan(tel, errorEvent.message);
      let errorType: string;
      if (responsesErrorEventThrows) {
        expect(seen).toEqual(before);
        expect(err).toBeInstanceOf(OpenAI.APIError);
        expect((err as Error).message).toBe(errorEvent.message);
        expect(span.events.map((e) => e.name)).toEqual(['exception']);
        errorType = 'APIError';
      } else {
        expect(err).toBeUndefined();
        expect(seen).toEqual(events);
        expect(span.events).toEqual([]);
        errorType = errorEvent.code;
      }
      expect(parsedAttributes(span, { takeTtfc: ttfcWhenThrown || !responsesErrorEventThrows })).toEqual({
        ...streamRequest({ 'error.type': errorType }),
        ...expectedResponse(),
        'gen_ai.input.messages': [userTextMessage('x')],
      });
    });

    it('an `error` event sent without an `event:` line (the SDK yields it) still makes an error span', async () => {
      const partial = responseObject({ id: 'resp_108', model: RESPONSE_MODEL, output: [] });
      const events = [
        ...responseEvents(partial, { truncateAfter: 1 }),
        { type: 'error', code: null, message: 'Upstream hiccup', param: null, sequence_number: 1 },
      ];
      server.enqueue(responseStreamReply(events, { namedEvents: false }));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      expect(await collect(stream)).toEqual(events);
      const span = onlyErrorSpan(tel, 'Upstream hiccup');
      expect(span.attributes['error.type']).toBe('_OTHER');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    });

    it('a stream cut off before the terminal event records finish reason error', async () => {
      const final = messageResponse('resp_106', RESPONSE_MODEL, 'never finished');
      server.enqueue(responseStreamReply(responseEvents(final, { truncateAfter: 6 })));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
      expect(await collect(stream)).toHaveLength(6);
      const span = onlySpan(tel);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes['gen_ai.response.id']).toBe('resp_106');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
      expect(span.attributes['gen_ai.request.stream']).toBe(true);
    });

    it('breaking out early ends the span once and aborts the request', async () => {
      const final = messageResponse('resp_107', RESPONSE_MODEL, 'a fairly long answer text');
      server.enqueue(responseStreamReply(responseEvents(final), { delayMs: 5 }));
      const stream = await client().responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
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
      const final = messageResponse('resp_201', RESPONSE_MODEL, 'Helper streaming output.', usage({ input: 11, output: 4 }));
      server.enqueue(responseStreamReply(responseEvents(final)));
      const runner = client().responses.stream({ model: 'gpt-4.1', input: 'Use the helper' });
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
      expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
        ...requestAttributes('gpt-4.1', { 'gen_ai.request.stream': true }),
        ...responseAttributes('resp_201', 'stop', { input: 11, output: 4 }),
        'gen_ai.input.messages': [userTextMessage('Use the helper')],
        'gen_ai.output.messages': [assistantTextOutput('Helper streaming output.')],
      });
    });

    it('client.responses.parse(): one span, output_parsed unchanged', async () => {
      const answer = { city: 'Paris', temperature: 14 };
      const final = messageResponse('resp_202', RESPONSE_MODEL, JSON.stringify(answer), usage({ input: 30, output: 9 }));
      server.enqueue(json(final));
      const parsed = await client().responses.parse({
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
        ...requestAttributes('gpt-4.1', { 'gen_ai.output.type': 'json' }),
        ...responseAttributes('resp_202', 'stop', { input: 30, output: 9 }),
        'gen_ai.input.messages': [userTextMessage('Weather as JSON')],
        'gen_ai.output.messages': [assistantTextOutput(JSON.stringify(answer))],
      });
    });
  });
});
