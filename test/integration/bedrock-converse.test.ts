/*
 * ConverseCommand, non-streamed: the real @aws-sdk/client-bedrock-runtime over real HTTP/2 against the
 * loopback Bedrock mock server, recorded by the instrumentation into in-memory OpenTelemetry pipelines.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  CountTokensCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import * as bedrockModule from '@aws-sdk/client-bedrock-runtime';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InstrumentationBase, isWrapped } from '@opentelemetry/instrumentation';
import { withGenAIContext } from '../../src';
import { captureRejection } from '../helpers/async';
import { metricByName, metricPoints } from '../helpers/telemetry';
import { useBedrockTestbed } from '../helpers/bedrock-testbed';
import { CAPTURE_CONTENT_ENV } from '../helpers/env';
import { DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS, TOOL_DEFINITIONS, attributesWithoutContent, contentAttribute, onlySpan } from '../helpers/spans';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../fixtures/metric-buckets';
import { WEATHER_TOOL_DEFINITION } from '../fixtures/tool-definitions';
import { CLAUDE, CLAUDE_PROFILE, converseResponse, converseUsage, textResponse } from '../fixtures/bedrock';
import { awsError, json } from '../mock-servers/bedrock-server';

const hello = (extra: Partial<ConverseCommandInput> = {}): ConverseCommandInput => ({
  modelId: CLAUDE,
  messages: [{ role: 'user', content: [{ text: 'Say hello' }] }],
  ...extra,
});

/** What the SDK returns for a response body: the body plus its `$metadata`. */
const withMetadata = (body: unknown, requestId: string) => ({
  ...(body as object),
  $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 },
});

describe('Converse: request and response attributes', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed();

  it('names the span `chat {modelId}`, makes it a CLIENT span and records the minimal attribute set', async () => {
    const body = textResponse('Hello!', 'end_turn', converseUsage(9, 4));
    server.enqueue(json(body));

    const result = await client().send(new ConverseCommand(hello()));

    expect(result).toEqual(withMetadata(body, 'req-bedrock-1'));
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.instrumentationScope.name).toBe('opentelemetry-instrumentation-genai/bedrock-runtime');
    expect(span.attributes).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 4,
      'aws.request_id': 'req-bedrock-1',
    });
    expect(tel.logs()).toEqual([]);
  });

  it('does not change the request the SDK sends, nor the command input', async () => {
    server.enqueue(json(textResponse('ok')), json(textResponse('ok')));
    const input = hello({ inferenceConfig: { maxTokens: 5, temperature: 0.5 }, system: [{ text: 'Be brief.' }] });
    const sent = structuredClone(input);

    tel.instrumentation.disable();
    await client().send(new ConverseCommand(structuredClone(input)));
    tel.instrumentation.enable();
    await client().send(new ConverseCommand(input));

    expect(server.requests[1]!.body).toEqual(server.requests[0]!.body);
    expect(server.requests[1]!.path).toBe(server.requests[0]!.path);
    expect(input).toEqual(sent);
    expect(tel.spans()).toHaveLength(1);
  });

  it('records inference parameters, top_k, a guardrail, structured output and the reasoning effort', async () => {
    server.enqueue(json(textResponse('{"a":1}', 'end_turn', converseUsage(30, 6))));

    await client().send(
      new ConverseCommand(
        hello({
          modelId: CLAUDE_PROFILE,
          inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END', '\n\n'] },
          additionalModelRequestFields: { top_k: 40 },
          guardrailConfig: { guardrailIdentifier: 'gr-abc123', guardrailVersion: '1' },
          outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{"type":"object"}', name: 'x' } } }, effort: 'high' },
        }),
      ),
    );

    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`chat ${CLAUDE_PROFILE}`);
    expect(span.attributes).toEqual({
      ...baseAttributes('chat', CLAUDE_PROFILE),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stop_sequences': ['END', '\n\n'],
      'gen_ai.output.type': 'json',
      'gen_ai.request.reasoning.level': 'high',
      'aws.bedrock.guardrail.id': 'gr-abc123',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 6,
      'aws.request_id': 'req-bedrock-1',
    });
  });

  it('counts cache reads and writes inside the input tokens (Bedrock reports them next to inputTokens)', async () => {
    server.enqueue(json(textResponse('cached', 'end_turn', converseUsage(100, 20, { read: 1200, write: 300 }))));

    await client().send(new ConverseCommand(hello()));

    expect(onlySpan(tel.spans()).attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 1600,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.usage.cache_read.input_tokens': 1200,
      'gen_ai.usage.cache_creation.input_tokens': 300,
    });
    const tokens = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage').filter(
      (p) => p.attributes['gen_ai.token.type'] === 'input' && p.attributes['gen_ai.request.model'] === CLAUDE,
    );
    expect(tokens.map((p) => p.value.max)).toEqual([1600]);
  });

  it('keeps input tokens as reported when the total shows the cache is already inside them', async () => {
    server.enqueue(json(textResponse('x', 'end_turn', { inputTokens: 1500, outputTokens: 20, totalTokens: 1520, cacheReadInputTokens: 1200 })));
    await client().send(new ConverseCommand(hello()));
    expect(onlySpan(tel.spans()).attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1500, 'gen_ai.usage.cache_read.input_tokens': 1200 });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_call'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['malformed_model_output', 'error'],
    ['malformed_tool_use', 'error'],
    ['some_future_reason', 'some_future_reason'],
  ])('maps stopReason %s to finish reason %s', async (stopReason, finishReason) => {
    server.enqueue(json(textResponse('x', stopReason)));
    await client().send(new ConverseCommand(hello()));
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.finish_reasons']).toEqual([finishReason]);
  });

  it("sets server.address/port from the client's endpoint at the start of its first call and of its next (see bedrock-server-address.test.ts)", async () => {
    server.enqueue(json(textResponse('1')), json(textResponse('2')));
    const c = client();
    await c.send(new ConverseCommand(hello()));
    await c.send(new ConverseCommand(hello()));

    const [first, second] = tel.spans();
    expect(tel.startAttributes(first!)).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': server.port });
    expect(first!.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': server.port });
    expect(tel.startAttributes(second!)).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': server.port, 'gen_ai.request.model': CLAUDE });
  });

  it('ignores commands it does not instrument (CountTokens): no span, same result', async () => {
    server.enqueue(json({ inputTokens: 7 }));
    const result = await client().send(new CountTokensCommand({ modelId: CLAUDE, input: { converse: { messages: hello().messages } } }));
    expect(result.inputTokens).toBe(7);
    expect(tel.spans()).toEqual([]);
  });
});

describe('Converse: content', () => {
  const { server, tel, client } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  const weatherTool = {
    toolSpec: {
      name: 'get_weather',
      description: 'Current weather for a city',
      inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    },
  };

  it('records system instructions, tool definitions, tool-use history, tool results and the tool call answer, on the span and the event', async () => {
    server.enqueue(
      json(
        converseResponse(
          [{ text: 'Let me check Berlin.' }, { toolUse: { toolUseId: 'tooluse_b2', name: 'get_weather', input: { city: 'Berlin' } } }],
          'tool_use',
          converseUsage(80, 40),
        ),
      ),
    );

    const result = await client().send(
      new ConverseCommand({
        modelId: CLAUDE,
        system: [{ text: 'You are a weather bot.' }, { cachePoint: { type: 'default' } }, { text: 'Answer in metric units.' }],
        toolConfig: { tools: [weatherTool, { cachePoint: { type: 'default' } }], toolChoice: { auto: {} } },
        messages: [
          { role: 'user', content: [{ text: 'Weather in Paris?' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_p1', name: 'get_weather', input: { city: 'Paris' } } }] },
          {
            role: 'user',
            content: [
              { toolResult: { toolUseId: 'tooluse_p1', content: [{ json: { temp: 14, sky: 'rain' } }] } },
              { toolResult: { toolUseId: 'tooluse_p0', content: [{ text: 'sunny, ' }, { text: '20C' }], status: 'error' } },
              { text: 'And Berlin?' },
            ],
          },
        ],
      }),
    );

    expect(result.stopReason).toBe('tool_use');
    const span = onlySpan(tel.spans());
    expect(attributesWithoutContent(span)).toMatchObject({ 'gen_ai.response.finish_reasons': ['tool_call'] });
    const systemInstructions = [
      { type: 'text', content: 'You are a weather bot.' },
      { type: 'text', content: 'Answer in metric units.' },
    ];
    const toolDefinitions = [WEATHER_TOOL_DEFINITION];
    const inputMessages = [
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'tooluse_p1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      {
        role: 'user',
        parts: [
          { type: 'tool_call_response', id: 'tooluse_p1', response: { temp: 14, sky: 'rain' } },
          { type: 'tool_call_response', id: 'tooluse_p0', response: ['sunny, ', '20C'] },
          { type: 'text', content: 'And Berlin?' },
        ],
      },
    ];
    const outputMessages = [
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me check Berlin.' },
          { type: 'tool_call', id: 'tooluse_b2', name: 'get_weather', arguments: { city: 'Berlin' } },
        ],
        finish_reason: 'tool_call',
      },
    ];
    expect(contentAttribute(span, SYSTEM_INSTRUCTIONS)).toEqual(systemInstructions);
    expect(contentAttribute(span, TOOL_DEFINITIONS)).toEqual(toolDefinitions);
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual(inputMessages);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual(outputMessages);

    const [details] = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(details!.attributes).toMatchObject({
      [SYSTEM_INSTRUCTIONS]: systemInstructions,
      [TOOL_DEFINITIONS]: toolDefinitions,
      [INPUT_MESSAGES]: inputMessages,
      [OUTPUT_MESSAGES]: outputMessages,
      'gen_ai.provider.name': 'aws.bedrock',
      'aws.request_id': 'req-bedrock-1',
    });
    expect(details!.spanContext?.spanId).toBe(span.spanContext().spanId);
  });

  const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
  const PDF = new TextEncoder().encode('%PDF-1.7 fake');

  const multimodal = (): ConverseCommandInput => ({
    modelId: CLAUDE,
    messages: [
      {
        role: 'user',
        content: [
          { text: 'Compare these.' },
          { image: { format: 'png', source: { bytes: PNG } } },
          { image: { format: 'jpeg', source: { s3Location: { uri: 's3://bucket/cat.jpg' } } } },
          { document: { format: 'pdf', name: 'terms', source: { bytes: PDF } } },
          { document: { format: 'txt', name: 'notes', source: { text: 'plain notes' } } },
          { video: { format: 'mp4', source: { s3Location: { uri: 's3://bucket/clip.mp4' } } } },
        ],
      },
    ],
  });

  it('records images, documents and video: inline bytes as blob parts (binary replaced by a placeholder), S3 locations as uri parts', async () => {
    server.enqueue(
      json(
        converseResponse([
          { reasoningContent: { reasoningText: { text: 'The cat photo is a jpeg.', signature: 'sig==' } } },
          { reasoningContent: { redactedContent: Buffer.from('secret').toString('base64') } },
          { text: 'They differ.' },
        ]),
      ),
    );

    await client().send(new ConverseCommand(multimodal()));

    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Compare these.' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: '[BINARY image/png 12 bytes omitted]' },
          { type: 'uri', modality: 'image', mime_type: 'image/jpeg', uri: 's3://bucket/cat.jpg' },
          { type: 'blob', modality: 'document', mime_type: 'application/pdf', content: '[BINARY application/pdf 13 bytes omitted]' },
          { type: 'text', content: 'plain notes' },
          { type: 'uri', modality: 'video', mime_type: 'video/mp4', uri: 's3://bucket/clip.mp4' },
        ],
      },
    ]);
    // Reasoning text is recorded; redacted (encrypted) reasoning has none.
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The cat photo is a jpeg.' },
          { type: 'text', content: 'They differ.' },
        ],
        finish_reason: 'stop',
      },
    ]);
  });

  it('keeps the inline base64 when the app opts in with captureInlineBinary', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY', captureInlineBinary: true });
    server.enqueue(json(textResponse('ok')));
    await client().send(new ConverseCommand(multimodal()));
    const parts = (contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES) as Array<{ parts: Array<Record<string, unknown>> }>)[0]!.parts;
    expect(parts[1]).toEqual({ type: 'blob', modality: 'image', mime_type: 'image/png', content: Buffer.from(PNG).toString('base64') });
  });
});

describe('Converse: content capture, GenAI context and redaction apply as for every provider', () => {
  const { server, tel, client } = useBedrockTestbed();

  it.each([
    ['NO_CONTENT', false, false],
    ['SPAN_ONLY', true, false],
    ['EVENT_ONLY', false, true],
    ['SPAN_AND_EVENT', true, true],
  ] as const)('captureMessageContent %s: content on the span %s, on the event %s', async (mode, onSpan, onEvent) => {
    tel.instrumentation.setConfig({ captureMessageContent: mode });
    server.enqueue(json(textResponse('Hi there')));
    await client().send(new ConverseCommand(hello({ system: [{ text: 'Be nice.' }] })));

    const span = onlySpan(tel.spans());
    for (const key of [SYSTEM_INSTRUCTIONS, INPUT_MESSAGES, OUTPUT_MESSAGES]) expect(key in span.attributes).toBe(onSpan);
    const events = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(events).toHaveLength(onEvent ? 1 : 0);
    if (onEvent) expect(events[0]!.attributes[OUTPUT_MESSAGES]).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hi there' }], finish_reason: 'stop' }]);
  });

  it('the env var wins over the config', async () => {
    process.env[CAPTURE_CONTENT_ENV] = 'span_only';
    try {
      tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
      server.enqueue(json(textResponse('x')));
      await client().send(new ConverseCommand(hello()));
    } finally {
      delete process.env[CAPTURE_CONTENT_ENV];
    }
    expect(contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]);
  });

  it('withGenAIContext: the span and metrics carry the metadata; a GenAI context can turn content capture on for its calls', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    server.enqueue(json(textResponse('scoped')));
    await withGenAIContext(
      { conversationId: 'conv-9', promptName: 'greeting', promptVersion: 'v3', userId: 'u-1', tenantId: 'acme', environment: 'prod', captureMessageContent: 'SPAN_ONLY' },
      () => client().send(new ConverseCommand(hello())),
    );

    const span = onlySpan(tel.spans());
    expect(span.attributes).toMatchObject({
      'gen_ai.conversation.id': 'conv-9',
      'gen_ai.prompt.name': 'greeting',
      'gen_ai.prompt.version': 'v3',
      'user.id': 'u-1',
      'genai_app.tenant.id': 'acme',
      'deployment.environment.name': 'prod',
    });
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'scoped' }], finish_reason: 'stop' }]);
    const durations = metricPoints(await tel.metrics(), 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.prompt.version'] === 'v3');
    expect(durations).toHaveLength(1);
    expect(durations[0]!.attributes).not.toHaveProperty(['user.id']);
  });

  it('redacts secrets and card numbers in messages and tool results, counts them, and sends the request untouched', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_AND_EVENT' });
    const key = 'AKIAIOSFODNN7EXAMPLE';
    server.enqueue(json(textResponse('Card 4111 1111 1111 1111 was refunded.')));
    await client().send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: [
          { role: 'user', content: [{ text: `My access key ${key} leaked` }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'lookup', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'card 4111111111111111' }] } }] },
        ],
      }),
    );

    expect(server.requests[0]!.body.messages[0].content[0].text).toBe(`My access key ${key} leaked`);
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'My access key [REDACTED:SECRET] leaked' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'lookup', arguments: {} }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 't1', response: 'card [REDACTED:CARD]' }] },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Card [REDACTED:CARD] was refunded.' }], finish_reason: 'stop' },
    ]);
    expect(span.attributes['genai_app.content.redactions']).toBe(3);
    expect(JSON.stringify(tel.logs().map((l) => l.attributes))).not.toContain(key);
  });
});

describe('Converse: metrics', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed();

  it('records duration and token usage with exact attributes and the advised buckets', async () => {
    server.enqueue(json(textResponse('m', 'end_turn', converseUsage(21, 7))));
    await client().send(new ConverseCommand(hello()));

    const metrics = await tel.metrics();
    const base = baseAttributes('chat', CLAUDE);
    const durations = metricPoints(metrics, 'gen_ai.client.operation.duration');
    expect(durations.map((p) => p.attributes)).toEqual([base]);
    expect(durations[0]!.value.count).toBe(1);
    expect(metricByName(metrics, 'gen_ai.client.operation.duration')!.descriptor.unit).toBe('s');
    expect(durations[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    const tokens = metricPoints(metrics, 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes, p.value.sum])).toEqual([
      [{ ...base, 'gen_ai.token.type': 'input' }, 21],
      [{ ...base, 'gen_ai.token.type': 'output' }, 7],
    ]);
    expect(tokens[0]!.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
  });

  it('records a failed call with error.type on the duration and no token usage', async () => {
    server.enqueue(awsError(400, 'ValidationException', 'bad'));
    await captureRejection(client().send(new ConverseCommand(hello({ modelId: 'm-fail' }))));
    const metrics = await tel.metrics();
    const failed = metricPoints(metrics, 'gen_ai.client.operation.duration').filter((p) => p.attributes['gen_ai.request.model'] === 'm-fail');
    expect(failed.map((p) => p.attributes)).toEqual([{ ...baseAttributes('chat', 'm-fail'), 'error.type': 'ValidationException' }]);
    expect(metricPoints(metrics, 'gen_ai.client.token.usage').filter((p) => p.attributes['gen_ai.request.model'] === 'm-fail')).toEqual([]);
  });
});

describe('Converse: errors', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it.each([
    [429, 'ThrottlingException', ThrottlingException],
    [400, 'ValidationException', ValidationException],
  ] as const)('HTTP %i %s: the app gets the SDK error class, the span ERROR with error.type, request id and the exception', async (status, type, ErrorClass) => {
    server.enqueue(awsError(status, type, `mock ${type}`));

    const error = await captureRejection(client().send(new ConverseCommand(hello())));

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.$metadata.httpStatusCode).toBe(status);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: `mock ${type}` });
    expect(attributesWithoutContent(span)).toEqual({ ...baseAttributes('chat', CLAUDE), 'error.type': type, 'aws.request_id': 'req-bedrock-1' });
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Say hello' }] }]);
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', type]]);
  });

  it('a connection failure rejects as without instrumentation and ends the span with ERROR', async () => {
    const error = await captureRejection(client({ endpoint: 'http://127.0.0.1:1' }).send(new ConverseCommand(hello())));
    const span = onlySpan(tel.spans());
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(error.constructor.name);
    expect(span.attributes).not.toHaveProperty(['aws.request_id']);
  });
});

describe('Converse: the ways to call it', () => {
  const { server, tel, client, aggregated } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('send(command, callback): the callback gets the output, send returns undefined, one span', async () => {
    server.enqueue(json(textResponse('via callback')));
    const output = await new Promise<ConverseCommandOutput>((resolve, reject) => {
      const returned = client().send(new ConverseCommand(hello()), (err: unknown, data?: ConverseCommandOutput) => (err ? reject(err) : resolve(data!)));
      expect(returned).toBeUndefined();
    });
    expect(output.output?.message?.content).toEqual([{ text: 'via callback' }]);
    expect(contentAttribute(onlySpan(tel.spans()), OUTPUT_MESSAGES)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'via callback' }], finish_reason: 'stop' }]);
  });

  it('send(command, options, callback): errors reach the callback and the span', async () => {
    server.enqueue(awsError(429, 'ThrottlingException', 'slow down'));
    const error = await new Promise<unknown>((resolve) => client().send(new ConverseCommand(hello()), {}, (err: unknown) => resolve(err)));
    expect(error).toBeInstanceOf(ThrottlingException);
    const span = onlySpan(tel.spans());
    expect(span.attributes['error.type']).toBe('ThrottlingException');
  });

  it('the aggregated BedrockRuntime client: converse() promise and callback forms, one span each', async () => {
    server.enqueue(json(textResponse('agg 1')), json(textResponse('agg 2')));
    const c = aggregated();
    const first = await c.converse(hello());
    const second = await new Promise<ConverseCommandOutput>((resolve, reject) => c.converse(hello(), (err: unknown, data?: ConverseCommandOutput) => (err ? reject(err) : resolve(data!))));

    expect(first.output?.message?.content).toEqual([{ text: 'agg 1' }]);
    expect(second.output?.message?.content).toEqual([{ text: 'agg 2' }]);
    expect(server.requests).toHaveLength(2);
    const spans = tel.spans();
    expect(spans.map((s) => s.name)).toEqual([`chat ${CLAUDE}`, `chat ${CLAUDE}`]);
    expect(spans.map((s) => contentAttribute(s, OUTPUT_MESSAGES))).toEqual([
      [{ role: 'assistant', parts: [{ type: 'text', content: 'agg 1' }], finish_reason: 'stop' }],
      [{ role: 'assistant', parts: [{ type: 'text', content: 'agg 2' }], finish_reason: 'stop' }],
    ]);
  });

  it('the span is a child of the active span, and the SDK call (its transport) runs inside the GenAI span', async () => {
    server.enqueue(json(textResponse('nested')));
    const tracer = tel.tracerProvider.getTracer('app');
    let transportParent: string | undefined;
    const c = client();
    const handler = c.config.requestHandler as { handle: (...args: unknown[]) => unknown };
    const handle = handler.handle.bind(handler);
    handler.handle = (...args: unknown[]) => {
      transportParent = trace.getSpan(context.active())?.spanContext().spanId;
      return handle(...args);
    };
    await tracer.startActiveSpan('request', async (parent) => {
      await c.send(new ConverseCommand(hello()));
      parent.end();
    });

    const genai = onlySpan(tel.spans());
    const parent = tel.allSpans().find((s) => s.name === 'request')!;
    expect(genai.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(transportParent).toBe(genai.spanContext().spanId);
  });
});

describe('Converse: enable, disable and the AWS SDK instrumentation', () => {
  const { server, tel, client } = useBedrockTestbed();

  it('disable() restores the inherited send and records nothing; enable() patches again', async () => {
    const proto = BedrockRuntimeClient.prototype;
    expect(Object.prototype.hasOwnProperty.call(proto, 'send')).toBe(true);
    expect(isWrapped(proto.send)).toBe(true);

    tel.instrumentation.disable();
    expect(Object.prototype.hasOwnProperty.call(proto, 'send')).toBe(false);
    server.enqueue(json(textResponse('plain')));
    await client().send(new ConverseCommand(hello()));
    expect(tel.spans()).toEqual([]);

    tel.instrumentation.enable();
    expect(isWrapped(proto.send)).toBe(true);
    server.enqueue(json(textResponse('traced')));
    await client().send(new ConverseCommand(hello()));
    expect(tel.spans()).toHaveLength(1);
  });

  /**
   * A stand-in for @opentelemetry/instrumentation-aws-sdk, doing what it does to the AWS SDK (its
   * aws-sdk.ts): wrap Smithy's shared `Client.prototype.send`, and start a span with GenAI attributes
   * (`gen_ai.system`, like its Bedrock extension) around the command's middleware handler, running the
   * handler in that span's context.
   */
  class FakeAwsSdkInstrumentation extends InstrumentationBase {
    constructor() {
      super('@opentelemetry/instrumentation-aws-sdk', '0.0.0-fake', {});
    }
    protected override init() {
      return [];
    }
    patchClient(smithyClientProto: { send: (...args: unknown[]) => unknown }) {
      const tracer = () => this.tracer;
      // Like its patchV3MiddlewareStack: `resolve`, and `concat`/`clone` (send resolves a concatenation).
      const patchStack = (stack: any) => {
        if (stack.__fakeWrapped) return stack;
        stack.__fakeWrapped = true;
        for (const method of ['concat', 'clone']) {
          const original = stack[method].bind(stack);
          stack[method] = (...args: unknown[]) => patchStack(original(...args));
        }
        const resolve = stack.resolve.bind(stack);
        stack.resolve = (handler: any, ctx: any) => {
          const inner = resolve(handler, ctx);
          return (args: any) => {
            const span = tracer().startSpan(`chat ${args.input?.modelId}`, {
              kind: SpanKind.CLIENT,
              attributes: { 'gen_ai.system': 'aws.bedrock', 'gen_ai.operation.name': 'chat', 'rpc.service': 'BedrockRuntime' },
            });
            return context.with(trace.setSpan(context.active(), span), () => inner(args)).finally(() => span.end());
          };
        };
        return stack;
      };
      this._wrap(smithyClientProto, 'send', (original: any) =>
        function send(this: any, command: any, ...rest: unknown[]) {
          patchStack(this.middlewareStack);
          return original.apply(this, [command, ...rest]);
        },
      );
    }
    unpatchClient(smithyClientProto: object) {
      this._unwrap(smithyClientProto as never, 'send' as never);
    }
  }

  async function callWithAwsSdkInstrumentation(config: { suppressAwsSdkSpans?: boolean }) {
    const smithyClientProto = Object.getPrototypeOf(BedrockRuntimeClient.prototype);
    const fake = new FakeAwsSdkInstrumentation();
    fake.setTracerProvider(tel.tracerProvider);
    fake.patchClient(smithyClientProto);
    try {
      tel.instrumentation.setConfig(config);
      server.enqueue(json(textResponse('once')));
      const c = client();
      // What HTTP instrumentation would see: the active span when the request goes out.
      const tracer = tel.tracerProvider.getTracer('transport');
      const handler = c.config.requestHandler as { handle: (...args: any[]) => Promise<unknown> };
      const handle = handler.handle.bind(handler);
      handler.handle = (...args: any[]) => {
        const span = tracer.startSpan('POST');
        return context.with(trace.setSpan(context.active(), span), () => handle(...args)).finally(() => span.end());
      };
      const result = await c.send(new ConverseCommand(hello()));
      expect(result.output?.message?.content).toEqual([{ text: 'once' }]);
    } finally {
      fake.unpatchClient(smithyClientProto);
    }
    expect(isWrapped(Object.getPrototypeOf(BedrockRuntimeClient.prototype).send)).toBe(false);
    return tel.allSpans();
  }

  it('with an AWS SDK instrumentation active, its duplicate GenAI span is suppressed and transport spans nest under ours', async () => {
    const spans = await callWithAwsSdkInstrumentation({});
    const ours = onlySpan(tel.spans());
    expect(spans.map((s) => `${s.instrumentationScope.name}: ${s.name}`).sort()).toEqual([
      `opentelemetry-instrumentation-genai/bedrock-runtime: chat ${CLAUDE}`,
      'transport: POST',
    ]);
    expect(spans.find((s) => s.name === 'POST')!.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(ours.attributes).not.toHaveProperty(['gen_ai.system']);
  });

  it('suppressAwsSdkSpans: false keeps its span, nested under ours', async () => {
    const spans = await callWithAwsSdkInstrumentation({ suppressAwsSdkSpans: false });
    const ours = onlySpan(tel.spans());
    const theirs = spans.find((s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-aws-sdk')!;
    expect(theirs.attributes['gen_ai.system']).toBe('aws.bedrock');
    expect(theirs.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(spans.find((s) => s.name === 'POST')!.parentSpanContext?.spanId).toBe(theirs.spanContext().spanId);
  });

  it('manuallyInstrument accepts the module namespace (bundled apps)', () => {
    tel.instrumentation.manuallyInstrument(bedrockModule);
    expect(isWrapped(BedrockRuntimeClient.prototype.send)).toBe(true);
  });
});
