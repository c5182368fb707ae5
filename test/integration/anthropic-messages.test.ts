/*
 * messages.create, non-streamed: the real @anthropic-ai/sdk over real HTTP against the loopback Anthropic
 * mock server, recorded by the AnthropicInstrumentation into in-memory OpenTelemetry pipelines.
 */
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createServer, type AddressInfo } from 'node:net';
import { withGenAIContext } from '../../src';
import type { AnthropicInstrumentationConfig } from '../../src/providers/anthropic/instrumentation';
import { captureRejection } from '../helpers/async';
import { ANTHROPIC, useAnthropicTestbed } from '../helpers/anthropic-testbed';
import { CAPTURE_CONTENT_ENV, withEnv } from '../helpers/env';
import {
  CONTENT_KEYS,
  DETAILS_EVENT,
  EXCEPTION_EVENT,
  INPUT_MESSAGES,
  OUTPUT_MESSAGES,
  SYSTEM_INSTRUCTIONS,
  TOOL_DEFINITIONS,
  attributesWithoutContent,
  contentAttribute,
  expectExceptionLog,
  onlyErrorSpan,
  onlySpan,
} from '../helpers/spans';
import { metricByName, metricPoints, setupTelemetry } from '../helpers/telemetry';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../fixtures/metric-buckets';
import { TIME_TOOL_DEFINITION, WEATHER_TOOL_DEFINITION } from '../fixtures/tool-definitions';
import {
  MODEL,
  RESPONSE_MODEL,
  baseAttributes,
  message,
  redactedThinkingBlock,
  responseAttributes,
  textBlock,
  thinkingBlock,
  toolUseBlock,
  usage,
} from '../fixtures/anthropic';
import { apiError, json } from '../mock-servers/anthropic-server';

const hello = () => ({ model: MODEL, max_tokens: 256, messages: [{ role: 'user' as const, content: 'Say hello' }] });
/** Request fields the SDK's types of one major or the other may not list (sampling parameters, 1.x system messages). */
type LooseParams = Anthropic.MessageCreateParamsNonStreaming & Record<string, unknown>;

describe('messages.create: request and response attributes', () => {
  const { server, tel, client } = useAnthropicTestbed();

  it('names the span `chat {model}`, makes it a CLIENT span and records the minimal attribute set', async () => {
    const body = message({ id: 'msg_min', usage: usage(9, 4) });
    server.enqueue(json(body));

    const result = await client().messages.create(hello());

    expect(result).toEqual(body);
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.events).toEqual([]);
    expect(span.attributes).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      ...responseAttributes({ id: 'msg_min', input: 9, output: 4 }),
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages']);
  });

  it('does not change the request the SDK sends', async () => {
    server.enqueue(json(message()));
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      ...hello(),
      system: 'Be brief.',
      stop_sequences: ['END'],
      tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
    };
    const sent = structuredClone(params);

    await client().messages.create(params);

    expect(server.requests[0]!.body).toEqual(sent);
    expect(params).toEqual(sent);
  });

  it('records max_tokens, temperature, top_p, top_k, stop sequences, structured output and effort', async () => {
    server.enqueue(json(message({ id: 'msg_params', stop_reason: 'stop_sequence', stop_sequence: '###' })));

    await client().messages.create({
      ...hello(),
      max_tokens: 1024,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['###', 'END'],
      output_config: {
        effort: 'high',
        format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } },
      },
    } as LooseParams);

    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stop_sequences': ['###', 'END'],
      'gen_ai.output.type': 'json',
      'gen_ai.request.reasoning.level': 'high',
      ...responseAttributes({ id: 'msg_params' }),
    });
  });

  it('normalizes usage: input includes cache reads and cache writes, each also on its own; thinking tokens are reasoning', async () => {
    server.enqueue(json(message({ id: 'msg_cache', usage: usage(100, 420, { cacheRead: 2000, cacheCreation: 300, thinking: 256 }) })));

    await client().messages.create(hello());

    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      ...responseAttributes({ id: 'msg_cache', input: 2400, output: 420, cacheRead: 2000, cacheCreation: 300, reasoning: 256 }),
    });
  });

  it('leaves the cache counters out when the API reports them as null', async () => {
    server.enqueue(json(message({ id: 'msg_nocache', usage: usage(50, 7, { cacheRead: null, cacheCreation: null }) })));
    await client().messages.create(hello());
    const attrs = onlySpan(tel.spans()).attributes;
    expect(attrs['gen_ai.usage.input_tokens']).toBe(50);
    expect(attrs['gen_ai.usage.output_tokens']).toBe(7);
    expect(attrs).not.toHaveProperty(['gen_ai.usage.cache_read.input_tokens']);
    expect(attrs).not.toHaveProperty(['gen_ai.usage.cache_creation.input_tokens']);
  });

  const stopReasons: Array<[string | null, string]> = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_call'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'pause_turn'],
    [null, 'error'],
  ];
  it.each(stopReasons)('stop_reason %j → finish reason %j', async (stopReason, finish) => {
    server.enqueue(json(message({ stop_reason: stopReason })));
    await client().messages.create(hello());
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.finish_reasons']).toEqual([finish]);
  });

  it('records no content by default', async () => {
    server.enqueue(json(message()));
    await client().messages.create({ ...hello(), system: 'secret system prompt', tools: [{ name: 'f', input_schema: { type: 'object' } }] });
    for (const key of CONTENT_KEYS) expect(onlySpan(tel.spans()).attributes).not.toHaveProperty([key]);
    expect(tel.logs()).toEqual([]);
  });

  it('.withResponse() returns {data, response, request_id} and the span ends once', async () => {
    const body = message({ id: 'msg_wr' });
    server.enqueue(json(body));

    const { data, response, request_id } = await client().messages.create(hello()).withResponse();

    expect(data).toEqual(body);
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_mock_1');
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.id']).toBe('msg_wr');
  });

  it('.asResponse() leaves the body readable to the app and ends the span without response attributes', async () => {
    const body = message({ id: 'msg_raw' });
    server.enqueue(json(body));

    const response = await client().messages.create(hello()).asResponse();

    expect(await response.json()).toEqual(body);
    expect(onlySpan(tel.spans()).attributes).toEqual({ ...baseAttributes(server), 'gen_ai.request.max_tokens': 256 });
  });

  it('server.address and server.port come from the client baseURL (443 for https)', async () => {
    const c = new Anthropic({ apiKey: 'k', baseURL: 'https://claude.example.com', maxRetries: 0, fetch: (async () => new Response(JSON.stringify(message()), { headers: { 'content-type': 'application/json' } })) as never });
    await c.messages.create(hello());
    expect(onlySpan(tel.spans()).attributes).toMatchObject({ 'server.address': 'claude.example.com', 'server.port': 443 });
  });
});

describe('messages.create: content', () => {
  const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  const weatherTool = {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
  };

  it('records the system prompt (string) as system instructions, apart from the input messages', async () => {
    server.enqueue(json(message({ content: [textBlock('Hi.')] })));
    await client().messages.create({ ...hello(), system: 'You are terse.' });
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, SYSTEM_INSTRUCTIONS)).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi.' }], finish_reason: 'stop' }]);
    expect(span.attributes).not.toHaveProperty([TOOL_DEFINITIONS]);
  });

  it('records system text blocks as one part each; a system message in the history stays an input message', async () => {
    server.enqueue(json(message()));
    await client().messages.create({
      ...hello(),
      system: [
        { type: 'text', text: 'You are a translator.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Translate to French.' },
      ],
      messages: [
        { role: 'user', content: 'Cheese' },
        { role: 'system', content: 'Answer in one word.' },
      ],
    } as LooseParams);
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, SYSTEM_INSTRUCTIONS)).toEqual([
      { type: 'text', content: 'You are a translator.' },
      { type: 'text', content: 'Translate to French.' },
    ]);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Cheese' }] },
      { role: 'system', parts: [{ type: 'text', content: 'Answer in one word.' }] },
    ]);
  });

  it('records tool definitions, tool-use history, tool results (text, blocks, errors) and parallel tool use in the output', async () => {
    server.enqueue(
      json(
        message({
          id: 'msg_tools',
          content: [
            textBlock('Checking both.'),
            toolUseBlock('toolu_02', 'get_weather', { city: 'Berlin' }),
            toolUseBlock('toolu_03', 'get_time', { tz: 'Europe/Berlin' }),
          ],
          stop_reason: 'tool_use',
          usage: usage(80, 40),
        }),
      ),
    );

    const result = await client().messages.create({
      ...hello(),
      tools: [weatherTool, { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [textBlock('Let me check.') as never, toolUseBlock('toolu_01', 'get_weather', { city: 'Paris' }) as never] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: 'rainy, 14C' },
            { type: 'tool_result', tool_use_id: 'toolu_00', content: [{ type: 'text', text: 'sunny, ' }, { type: 'text', text: '20C' }] },
            { type: 'tool_result', tool_use_id: 'toolu_09', content: 'city not found', is_error: true },
            { type: 'text', text: 'And Berlin, and the time there?' },
          ],
        },
      ],
    });

    expect(result.content).toHaveLength(3);
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      ...responseAttributes({ id: 'msg_tools', finish: 'tool_call', input: 80, output: 40 }),
    });
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([
      WEATHER_TOOL_DEFINITION,
      TIME_TOOL_DEFINITION,
    ]);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me check.' },
          { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { type: 'tool_call_response', id: 'toolu_01', response: 'rainy, 14C' },
          { type: 'tool_call_response', id: 'toolu_00', response: 'sunny, 20C' },
          { type: 'tool_call_response', id: 'toolu_09', response: 'city not found', is_error: true },
          { type: 'text', content: 'And Berlin, and the time there?' },
        ],
      },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking both.' },
          { type: 'tool_call', id: 'toolu_02', name: 'get_weather', arguments: { city: 'Berlin' } },
          { type: 'tool_call', id: 'toolu_03', name: 'get_time', arguments: { tz: 'Europe/Berlin' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('records thinking as reasoning (signature dropped) and redacted thinking as a marked reasoning part, in and out', async () => {
    server.enqueue(
      json(
        message({
          content: [thinkingBlock('The user wants a number.'), redactedThinkingBlock(), textBlock('42')],
          usage: usage(30, 60, { thinking: 45 }),
        }),
      ),
    );
    await client().messages.create({
      ...hello(),
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'Pick a number' },
        { role: 'assistant', content: [thinkingBlock('Earlier thought.') as never, redactedThinkingBlock('Zm9v') as never, textBlock('7') as never] },
        { role: 'user', content: 'Another' },
      ],
    });
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Pick a number' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Earlier thought.' },
          { type: 'reasoning', content: '[REDACTED_THINKING]' },
          { type: 'text', content: '7' },
        ],
      },
      { role: 'user', parts: [{ type: 'text', content: 'Another' }] },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user wants a number.' },
          { type: 'reasoning', content: '[REDACTED_THINKING]' },
          { type: 'text', content: '42' },
        ],
        finish_reason: 'stop',
      },
    ]);
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(45);
    expect(JSON.stringify(span.attributes)).not.toContain('sig-abc');
    expect(JSON.stringify(span.attributes)).not.toContain('EncryptedOpaqueData');
  });

  const multimodalRequest = (): LooseParams => ({
    ...hello(),
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'image', source: { type: 'file', file_id: 'file_img_1' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'Spec' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain document text.' } },
          { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
          { type: 'document', source: { type: 'file', file_id: 'file_doc_1' } },
          { type: 'search_result', source: 'https://kb.example.com/1', title: 'KB', content: [{ type: 'text', text: 'Returns take 30 days.' }] },
        ],
      },
    ],
  });
  const multimodalParts = (png: string, pdf: string) => [
    { type: 'text', content: 'What is in these?' },
    { type: 'blob', modality: 'image', mime_type: 'image/png', content: png },
    { type: 'uri', modality: 'image', uri: 'https://example.com/cat.jpg' },
    { type: 'file', modality: 'image', file_id: 'file_img_1' },
    { type: 'blob', modality: 'document', mime_type: 'application/pdf', content: pdf },
    { type: 'text', content: 'Plain document text.' },
    { type: 'uri', modality: 'document', uri: 'https://example.com/a.pdf' },
    { type: 'file', modality: 'document', file_id: 'file_doc_1' },
    { type: 'text', content: 'Returns take 30 days.' },
  ];

  it('maps images and documents to blob (inline binary replaced by a placeholder), uri and file parts', async () => {
    server.enqueue(json(message({ content: [textBlock('A cat and a spec.')] })));
    await client().messages.create(multimodalRequest());
    expect(contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: multimodalParts('[BINARY image/png 16 bytes omitted]', '[BINARY application/pdf 9 bytes omitted]') },
    ]);
  });

  it('keeps the inline base64 when the app opts in with captureInlineBinary', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', captureInlineBinary: true });
    server.enqueue(json(message()));
    await client().messages.create(multimodalRequest());
    expect(contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: multimodalParts('iVBORw0KGgoAAAANSUhEUg==', 'JVBERi0xLjQK') },
    ]);
  });

  it('a tool result with an image keeps its parts as the response', async () => {
    server.enqueue(json(message()));
    await client().messages.create({
      ...hello(),
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_shot',
              content: [
                { type: 'text', text: 'Screenshot:' },
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
              ],
            },
          ],
        },
      ],
    });
    expect(contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES)).toEqual([
      {
        role: 'user',
        parts: [
          {
            type: 'tool_call_response',
            id: 'toolu_shot',
            response: [
              { type: 'text', content: 'Screenshot:' },
              { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: '[BINARY image/jpeg 6 bytes omitted]' },
            ],
          },
        ],
      },
    ]);
  });

  it('records server tools: their definitions, server_tool_use and their results as server tool call parts', async () => {
    const searchResults = [{ type: 'web_search_result', url: 'https://w.example.com', title: 'Paris weather', encrypted_content: 'enc', page_age: null }];
    server.enqueue(
      json(
        message({
          content: [
            { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'paris weather' } },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: searchResults },
            textBlock('Rainy, 14C.'),
          ],
        }),
      ),
    );
    await client().messages.create({
      ...hello(),
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }, weatherTool],
    });
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual([
      { type: 'web_search_20250305', name: 'web_search' },
      { type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.input_schema },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'server_tool_call', id: 'srvtoolu_1', name: 'web_search', server_tool_call: { type: 'web_search', query: 'paris weather' } },
          { type: 'server_tool_call_response', id: 'srvtoolu_1', server_tool_call_response: { type: 'web_search', content: searchResults } },
          { type: 'text', content: 'Rainy, 14C.' },
        ],
        finish_reason: 'stop',
      },
    ]);
  });
});

describe('messages.create: content capture modes', () => {
  const { server, client } = useAnthropicTestbed();
  const expectedInput = [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }];
  const expectedOutput = [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }], finish_reason: 'stop' }];
  const expectedSystem = [{ type: 'text', content: 'Be kind.' }];

  async function recordOneCall(config: AnthropicInstrumentationConfig, env?: string) {
    return withEnv(CAPTURE_CONTENT_ENV, env, async () => {
      const tel = setupTelemetry(ANTHROPIC, config);
      try {
        server.enqueue(json(message({ id: 'msg_capture', usage: usage(5, 3) })));
        await client().messages.create({ ...hello(), system: 'Be kind.' });
        return { span: onlySpan(tel.spans()), logs: tel.logs() };
      } finally {
        await tel.shutdown();
      }
    });
  }

  const expectedSpanAttributes = () => ({
    ...baseAttributes(server),
    'gen_ai.request.max_tokens': 256,
    ...responseAttributes({ id: 'msg_capture', input: 5, output: 3 }),
  });

  type Where = 'none' | 'span' | 'event' | 'both';
  const cases: Array<[string, Where, AnthropicInstrumentationConfig, string | undefined]> = [
    ['default', 'none', {}, undefined],
    ['SPAN_ONLY', 'span', { captureMessageContent: 'SPAN_ONLY' }, undefined],
    ['EVENT_ONLY', 'event', { captureMessageContent: 'EVENT_ONLY' }, undefined],
    ['SPAN_AND_EVENT', 'both', { captureMessageContent: 'SPAN_AND_EVENT' }, undefined],
    ['env SPAN_AND_EVENT over config NO_CONTENT', 'both', { captureMessageContent: 'NO_CONTENT' }, 'span_and_event'],
    ['env NO_CONTENT over config SPAN_ONLY', 'none', { captureMessageContent: 'SPAN_ONLY' }, 'NO_CONTENT'],
  ];
  it.each(cases)('%s → content on %s', async (_label, where, config, env) => {
    const { span, logs } = await recordOneCall(config, env);
    const onSpan = where === 'span' || where === 'both';
    const onEvent = where === 'event' || where === 'both';
    expect(span.attributes).toEqual({
      ...expectedSpanAttributes(),
      ...(onSpan
        ? {
            [SYSTEM_INSTRUCTIONS]: JSON.stringify(expectedSystem),
            [INPUT_MESSAGES]: JSON.stringify(expectedInput),
            [OUTPUT_MESSAGES]: JSON.stringify(expectedOutput),
          }
        : {}),
    });
    if (!onEvent) {
      expect(logs).toEqual([]);
      return;
    }
    expect(logs).toHaveLength(1);
    const record = logs[0]!;
    expect(record.eventName).toBe(DETAILS_EVENT);
    expect(record.attributes).toEqual({
      ...expectedSpanAttributes(),
      [SYSTEM_INSTRUCTIONS]: expectedSystem,
      [INPUT_MESSAGES]: expectedInput,
      [OUTPUT_MESSAGES]: expectedOutput,
    });
    expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
  });
});

describe('messages.create: GenAI context metadata and redaction apply as for openai', () => {
  const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  it('withGenAIContext: the span carries the GenAI context metadata, which can switch content capture off', async () => {
    server.enqueue(json(message()), json(message()));
    await withGenAIContext({ conversationId: 'conv-7', promptName: 'greeter', promptVersion: 'v3', userId: 'u-1', tenantId: 'acme' }, () =>
      client().messages.create(hello()),
    );
    await withGenAIContext({ tenantId: 'bank', captureMessageContent: 'NO_CONTENT' }, () => client().messages.create(hello()));
    const [inContext, quiet] = tel.spans();
    expect(inContext!.attributes).toMatchObject({
      'gen_ai.conversation.id': 'conv-7',
      'gen_ai.prompt.name': 'greeter',
      'gen_ai.prompt.version': 'v3',
      'user.id': 'u-1',
      'genai_app.tenant.id': 'acme',
      'gen_ai.provider.name': 'anthropic',
    });
    expect(contentAttribute(inContext!, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]);
    expect(quiet!.attributes['genai_app.tenant.id']).toBe('bank');
    for (const key of CONTENT_KEYS) expect(quiet!.attributes).not.toHaveProperty([key]);
    // One details event: the GenAI context with NO_CONTENT emits none.
    expect(tel.logs()).toHaveLength(1);
    const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.prompt.version'] === 'v3');
    expect(durations).toHaveLength(1);
    expect(durations[0]!.attributes).not.toHaveProperty(['gen_ai.conversation.id']);
  });

  it('redaction: secrets and card numbers are replaced in system, input, tool results and output, on the span and the event', async () => {
    const key = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij';
    server.enqueue(json(message({ content: [textBlock('Card 4111111111111111 refunded.')] })));
    await client().messages.create({
      ...hello(),
      system: `Internal key ${key}`,
      messages: [
        { role: 'user', content: 'My card 4111 1111 1111 1111 was charged twice.' },
        { role: 'assistant', content: [toolUseBlock('toolu_1', 'lookup', { q: 'charges' }) as never] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `token ${key}` }] },
      ],
    });
    // The provider still gets exactly what the app sent.
    expect(server.requests[0]!.body.system).toBe(`Internal key ${key}`);
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, SYSTEM_INSTRUCTIONS)).toEqual([{ type: 'text', content: 'Internal key [REDACTED:SECRET]' }]);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'My card [REDACTED:CARD] was charged twice.' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'lookup', arguments: { q: 'charges' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: 'token [REDACTED:SECRET]' }] },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Card [REDACTED:CARD] refunded.' }], finish_reason: 'stop' },
    ]);
    expect(span.attributes['genai_app.content.redactions']).toBe(4);
    const [event] = tel.logs();
    expect(JSON.stringify(event!.attributes)).not.toContain(key);
    // The card numbers as the app sent and received them (a bare '4111' can be part of server.port).
    for (const card of ['4111 1111 1111 1111', '4111111111111111']) expect(JSON.stringify(event!.attributes)).not.toContain(card);
  });
});

describe('messages.create: metrics', () => {
  const { server, tel, client } = useAnthropicTestbed();

  it('records duration and token usage (input with the cache counted in) with exact attributes and the advised buckets', async () => {
    server.enqueue(json(message({ model: 'metrics-a-2026', usage: usage(100, 42, { cacheRead: 900, cacheCreation: 50 }) })));
    await client().messages.create({ ...hello(), model: 'metrics-a' });

    const metrics = await tel.metrics();
    const attrs = { ...baseAttributes(server, 'metrics-a'), 'gen_ai.response.model': 'metrics-a-2026' };
    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-a');
    expect(duration.map((p) => p.attributes)).toEqual([attrs]);
    expect(duration[0]!.value.count).toBe(1);
    expect(duration[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(metricByName(metrics, 'gen_ai.client.operation.duration')!.descriptor.unit).toBe('s');

    const tokens = metricPoints(metrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-a');
    expect(tokens.map((p) => ({ attributes: p.attributes, count: p.value.count, sum: p.value.sum }))).toEqual([
      { attributes: { ...attrs, 'gen_ai.token.type': 'input' }, count: 1, sum: 1050 },
      { attributes: { ...attrs, 'gen_ai.token.type': 'output' }, count: 1, sum: 42 },
    ]);
    for (const p of tokens) expect(p.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
  });

  it('records a failed call with error.type on the duration and no token usage', async () => {
    server.enqueue(apiError(429, 'Rate limited'));
    await expect(client().messages.create({ ...hello(), model: 'metrics-c' })).rejects.toThrow(Anthropic.RateLimitError);
    const metrics = await tel.metrics();
    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-c');
    expect(duration.map((p) => p.attributes)).toEqual([{ ...baseAttributes(server, 'metrics-c'), 'error.type': 'RateLimitError' }]);
    expect(metricPoints(metrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'metrics-c')).toEqual([]);
  });
});

describe('messages.create: errors', () => {
  const { server, tel, client } = useAnthropicTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });
  // 529 is OverloadedError from 1.x; 0.x has no class for it and gives InternalServerError (>= 500).
  const overloaded = typeof (Anthropic as unknown as Record<string, unknown>).OverloadedError === 'function' ? 'OverloadedError' : 'InternalServerError';

  function expectErrorSpan(error: Error, errorType: string, base = baseAttributes(server)) {
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(attributesWithoutContent(span)).toEqual({ ...base, 'gen_ai.request.max_tokens': 256, 'error.type': errorType });
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]);
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.message': error.message });
    return span;
  }

  const httpCases: Array<[number, string, string]> = [
    [400, 'messages: field required', 'BadRequestError'],
    [401, 'invalid x-api-key', 'AuthenticationError'],
    [403, 'not allowed', 'PermissionDeniedError'],
    [404, 'model: not found', 'NotFoundError'],
    [429, 'Number of request tokens has exceeded your rate limit', 'RateLimitError'],
    [500, 'Internal server error', 'InternalServerError'],
    [529, 'Overloaded', overloaded],
  ];
  it.each(httpCases)('HTTP %i → the SDK error class, an ERROR span with error.type and an exception event', async (status, msg, errorType) => {
    server.enqueue(apiError(status, msg));
    const error = await captureRejection(client().messages.create(hello()));
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.constructor.name).toBe(errorType);
    expect(error.status).toBe(status);
    expect(error.requestID ?? error.request_id).toBe('req_mock_1');
    const span = expectErrorSpan(error, errorType);
    const logs = tel.logs();
    expect(logs.map((l) => l.eventName)).toEqual([DETAILS_EVENT, EXCEPTION_EVENT]);
    expect(logs[0]!.attributes).toEqual({
      ...baseAttributes(server),
      'gen_ai.request.max_tokens': 256,
      'error.type': errorType,
      [INPUT_MESSAGES]: [{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }],
    });
    expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
    expectExceptionLog(logs[1]!, span, { ...baseAttributes(server), 'gen_ai.request.max_tokens': 256, 'error.type': errorType });
    expect(logs[1]!.attributes['exception.message']).toBe(error.message);
  });

  it('an HTTP error reaches the app exactly as without instrumentation', async () => {
    server.enqueue(apiError(400, 'bad'), apiError(400, 'bad'));
    const instrumented = await captureRejection(client().messages.create(hello()));
    tel.instrumentation.disable();
    let plain: any;
    try {
      plain = await captureRejection(client().messages.create(hello()));
    } finally {
      tel.instrumentation.enable();
    }
    expect(tel.spans()).toHaveLength(1);
    expect(instrumented.constructor).toBe(plain.constructor);
    expect(instrumented.message).toBe(plain.message.replace('req_mock_2', 'req_mock_1'));
    expect(instrumented.status).toBe(plain.status);
    expect(instrumented.error.error).toEqual(plain.error.error);
  });

  it('connection refused → APIConnectionError and an ERROR span for that server', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const error = await captureRejection(client({ baseURL: `http://127.0.0.1:${closedPort}` }).messages.create(hello()));
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
    expectErrorSpan(error, 'APIConnectionError', { ...baseAttributes(server), 'server.port': closedPort });
  });

  it('a request the instrumentation cannot read goes through untraced and fails as without it', async () => {
    const c = client();
    // A non-object body is not traced at all; an object whose serialization throws fails inside the SDK.
    const bad: Record<string, unknown> = { ...hello() };
    Object.defineProperty(bad, 'model', {
      enumerable: true,
      get() {
        throw new TypeError('boom');
      },
    });
    const error = await captureRejection(Promise.resolve().then(() => c.messages.create(bad as never)));
    expect(error).toBeInstanceOf(TypeError);
    expect(tel.spans()).toEqual([]);
  });
});

describe('messages.create: response model', () => {
  const { server, tel, client } = useAnthropicTestbed();
  it('records the answering model as gen_ai.response.model, the requested one as gen_ai.request.model', async () => {
    server.enqueue(json(message({ model: RESPONSE_MODEL })));
    await client().messages.create(hello());
    expect(onlySpan(tel.spans()).attributes).toMatchObject({ 'gen_ai.request.model': MODEL, 'gen_ai.response.model': RESPONSE_MODEL });
  });
});
