/*
 * models.generateContent through the real @google/genai SDK over real HTTP against the loopback Gemini
 * mock server, recorded by GoogleGenAIInstrumentation into in-memory OpenTelemetry pipelines: exact
 * attributes, exact content JSON on the span and the details event, errors and metrics.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { withGenAIContext } from '../../src';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { metricByName, metricPoints } from '../helpers/telemetry';
import { captureRejection } from '../helpers/async';
import { DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS, TOOL_DEFINITIONS, contentAttribute, onlyErrorSpan, onlySpan } from '../helpers/spans';
import { geminiError, json } from '../mock-servers/gemini-server';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../fixtures/metric-buckets';
import {
  MODEL,
  PIXEL_PNG,
  RESPONSE_MODEL,
  candidate,
  functionCall,
  response,
  text,
  textResponse,
  thought,
  usageMetadata,
} from '../fixtures/gemini';

describe('generateContent: request and response attributes (content off by default)', () => {
  const { server, tel, client, vertexClient, baseAttributes } = useGeminiTestbed();

  it('names the span `generate_content {model}`, makes it CLIENT and records the minimal attribute set; the app gets the SDK response', async () => {
    server.enqueue(json(textResponse('Hello there', { responseId: 'resp-min', usage: usageMetadata(9, 4) })));

    const result = await client().models.generateContent({ model: MODEL, contents: 'Say hello' });

    expect(result.text).toBe('Hello there');
    expect(result.responseId).toBe('resp-min');
    expect(server.requests.map((r) => `${r.api} ${r.model}:${r.action}`)).toEqual([`gemini ${MODEL}:generateContent`]);
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`generate_content ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.events).toEqual([]);
    expect(span.attributes).toEqual({
      ...baseAttributes('generate_content', MODEL),
      'gen_ai.response.id': 'resp-min',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 4,
    });
    expect(tel.logs()).toEqual([]);
  });

  it('records every generation parameter, candidateCount as the choice count, one finish reason per candidate, and normalised usage', async () => {
    server.enqueue(
      json(
        response({
          responseId: 'resp-params',
          candidates: [candidate([text('{"a":1}')], 'STOP', 0), candidate([text('{"a"')], 'MAX_TOKENS', 1)],
          usage: usageMetadata(1200, 300, { cached: 1024, thoughts: 128, toolUse: 20 }),
        }),
      ),
    );

    const params = {
      model: MODEL,
      contents: 'JSON please',
      config: {
        temperature: 0.7,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 256,
        stopSequences: ['END', '\n\n'],
        candidateCount: 2,
        seed: 42,
        presencePenalty: 0.5,
        frequencyPenalty: -0.25,
        responseMimeType: 'application/json',
        thinkingConfig: { thinkingLevel: 'HIGH' as never },
      },
    };
    const sent = structuredClone(params);
    await client().models.generateContent(params);

    expect(params).toEqual(sent);
    expect(server.requests[0]!.body.generationConfig).toMatchObject({ temperature: 0.7, candidateCount: 2, seed: 42 });
    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes('generate_content', MODEL),
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.stop_sequences': ['END', '\n\n'],
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.seed': 42,
      'gen_ai.request.presence_penalty': 0.5,
      'gen_ai.request.frequency_penalty': -0.25,
      'gen_ai.output.type': 'json',
      'gen_ai.request.reasoning.level': 'high',
      'gen_ai.response.id': 'resp-params',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      // input = prompt (cached included) + tool-use prompt; output = candidates + thoughts.
      'gen_ai.usage.input_tokens': 1220,
      'gen_ai.usage.output_tokens': 428,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.reasoning.output_tokens': 128,
    });
  });

  it('a response schema is output type json; an image modality is image; candidateCount 1 is left out', async () => {
    server.enqueue(json(textResponse('{}')), json(textResponse('ok')));
    await client().models.generateContent({
      model: MODEL,
      contents: 'x',
      config: { candidateCount: 1, responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } } },
    });
    await client().models.generateContent({ model: 'gemini-2.5-flash-image', contents: 'a cat', config: { responseModalities: ['IMAGE'] as never } });
    const [a, b] = tel.spans();
    expect(a!.attributes['gen_ai.output.type']).toBe('json');
    expect(a!.attributes).not.toHaveProperty(['gen_ai.request.choice.count']);
    expect(b!.attributes['gen_ai.output.type']).toBe('image');
  });

  it('maps finish reasons: function call → tool_call, SAFETY → content_filter, others lower-cased, none → error', async () => {
    server.enqueue(
      json(
        response({
          candidates: [
            candidate([functionCall('get_weather', { city: 'Paris' })], 'STOP', 0),
            candidate([text('...')], 'SAFETY', 1),
            candidate([], 'MALFORMED_FUNCTION_CALL', 2),
            candidate([text('cut')], null, 3),
          ],
        }),
      ),
    );
    await client().models.generateContent({ model: MODEL, contents: 'x', config: { candidateCount: 4 } });
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call', 'content_filter', 'malformed_function_call', 'error']);
  });

  it('Vertex AI (express mode): provider gcp.vertex_ai, the Vertex path, the same attributes', async () => {
    server.enqueue(json(textResponse('hi', { responseId: 'resp-vertex', usage: usageMetadata(3, 1) })));
    const result = await vertexClient().models.generateContent({ model: MODEL, contents: 'hello' });
    expect(result.text).toBe('hi');
    expect(server.requests[0]!.api).toBe('vertex');
    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes('generate_content', MODEL, 'gcp.vertex_ai'),
      'gen_ai.response.id': 'resp-vertex',
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 1,
    });
  });

  it('leaves the request and the response object as they were', async () => {
    const body = textResponse('unchanged', { responseId: 'resp-same' });
    server.enqueue(json(body));
    const params = { model: MODEL, contents: [{ role: 'user', parts: [{ text: 'q' }] }], config: { temperature: 0 } };
    const sent = structuredClone(params);
    const result = await client().models.generateContent(params);
    expect(params).toEqual(sent);
    expect(server.requests[0]!.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'q' }] }], generationConfig: { temperature: 0 } });
    expect({ ...result, sdkHttpResponse: undefined }).toEqual({ ...body, sdkHttpResponse: undefined });
  });
});

describe('generateContent: content capture (SPAN_AND_EVENT)', () => {
  const { server, tel, client } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT', captureInlineBinary: true } });

  const weatherTool = {
    functionDeclarations: [
      {
        name: 'get_weather',
        description: 'Current weather',
        parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ],
  };

  it('system instruction, tools, a multimodal history with a function call and its response, thought and text output: exact JSON on span and event', async () => {
    server.enqueue(
      json(
        response({
          responseId: 'resp-content',
          candidates: [candidate([thought('The tool said rainy.'), text('Rainy, 14°C in Paris.')], 'STOP')],
          usage: usageMetadata(50, 8, { thoughts: 5 }),
        }),
      ),
    );

    await client().models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather here?' }, { inlineData: { mimeType: 'image/png', data: PIXEL_PNG } }, { fileData: { fileUri: 'gs://bucket/map.pdf', mimeType: 'application/pdf' } }] },
        { role: 'model', parts: [{ functionCall: { id: 'call-1', name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'call-1', name: 'get_weather', response: { output: 'rainy, 14C' } } }] },
      ],
      config: { systemInstruction: 'You are terse.', tools: [weatherTool, { googleSearch: {} }] },
    });

    const span = onlySpan(tel.spans());
    const expected = {
      [SYSTEM_INSTRUCTIONS]: [{ type: 'text', content: 'You are terse.' }],
      [INPUT_MESSAGES]: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'Weather here?' },
            { type: 'blob', modality: 'image', mime_type: 'image/png', content: PIXEL_PNG },
            { type: 'uri', modality: 'document', mime_type: 'application/pdf', uri: 'gs://bucket/map.pdf' },
          ],
        },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-1', response: { output: 'rainy, 14C' } }] },
      ],
      [TOOL_DEFINITIONS]: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { type: 'google_search', name: 'google_search' },
      ],
      [OUTPUT_MESSAGES]: [
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'The tool said rainy.' },
            { type: 'text', content: 'Rainy, 14°C in Paris.' },
          ],
          finish_reason: 'stop',
        },
      ],
    };
    for (const [key, value] of Object.entries(expected)) expect(contentAttribute(span, key)).toEqual(value);

    const logs = tel.logs();
    expect(logs.map((l) => l.eventName)).toEqual([DETAILS_EVENT]);
    expect(logs[0]!.spanContext?.spanId).toBe(span.spanContext().spanId);
    const nonContent = Object.fromEntries(Object.entries(span.attributes).filter(([k]) => !(k in expected)));
    expect(logs[0]!.attributes).toEqual({ ...nonContent, ...expected });
    expect(nonContent['gen_ai.usage.output_tokens']).toBe(13);
    expect(nonContent['gen_ai.usage.reasoning.output_tokens']).toBe(5);
  });

  it('a model function call as output: tool_call part and finish reason; candidateCount 2 gives two output messages', async () => {
    server.enqueue(
      json(
        response({
          candidates: [
            candidate([text('Checking.'), functionCall('get_weather', { city: 'Oslo' })], 'STOP', 0),
            candidate([text('It is cold.')], 'STOP', 1),
          ],
        }),
      ),
    );
    await client().models.generateContent({ model: MODEL, contents: 'Oslo?', config: { tools: [weatherTool], candidateCount: 2 } });
    const span = onlySpan(tel.spans());
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call', 'stop']);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
        finish_reason: 'tool_call',
      },
      { role: 'assistant', parts: [{ type: 'text', content: 'It is cold.' }], finish_reason: 'stop' },
    ]);
  });

  it('inline binary is replaced by a placeholder unless the app opts in', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_ONLY' });
    server.enqueue(json(textResponse('a pixel')));
    await client().models.generateContent({
      model: MODEL,
      contents: [{ inlineData: { mimeType: 'image/png', data: PIXEL_PNG } }, 'What is this?'],
    });
    const bytes = Buffer.from(PIXEL_PNG, 'base64').length;
    expect(contentAttribute(onlySpan(tel.spans()), INPUT_MESSAGES)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: `[BINARY image/png ${bytes} bytes omitted]` },
          { type: 'text', content: 'What is this?' },
        ],
      },
    ]);
    expect(tel.logs()).toEqual([]);
  });

  it('GenAI context metadata (withGenAIContext) reaches the span and the details event', async () => {
    server.enqueue(json(textResponse('scoped')));
    await withGenAIContext({ conversationId: 'conv-7', promptName: 'weather', promptVersion: 'v3', userId: 'user-1' }, () =>
      client().models.generateContent({ model: MODEL, contents: 'hi' }),
    );
    const span = onlySpan(tel.spans());
    expect(span.attributes).toMatchObject({
      'gen_ai.conversation.id': 'conv-7',
      'gen_ai.prompt.name': 'weather',
      'gen_ai.prompt.version': 'v3',
      'user.id': 'user-1',
    });
    const [event] = tel.logs();
    expect(event!.attributes).toMatchObject({ 'gen_ai.conversation.id': 'conv-7', 'gen_ai.prompt.version': 'v3' });
  });

  it('redaction applies: a secret and a card number in the prompt and the answer are replaced, the API gets them unchanged', async () => {
    const key = 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';
    const question = `My key ${key} fails, card 4111 1111 1111 1111.`;
    server.enqueue(json(textResponse('Card 4111111111111111 noted.')));
    await client().models.generateContent({ model: MODEL, contents: question });

    expect(server.requests[0]!.body.contents[0].parts[0].text).toBe(question);
    const span = onlySpan(tel.spans());
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'My key [REDACTED:SECRET] fails, card [REDACTED:CARD].' }] },
    ]);
    expect(contentAttribute(span, OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Card [REDACTED:CARD] noted.' }], finish_reason: 'stop' },
    ]);
    expect(span.attributes['genai_app.content.redactions']).toBe(3);
    expect(JSON.stringify(tel.logs()[0]!.attributes)).not.toContain(key);
  });

  it('NO_CONTENT: no content attributes and no event', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    server.enqueue(json(textResponse('quiet')));
    await client().models.generateContent({ model: MODEL, contents: 'secret question', config: { systemInstruction: 'secret' } });
    const span = onlySpan(tel.spans());
    expect(Object.keys(span.attributes).filter((k) => k.startsWith('gen_ai.') && /messages|instructions|definitions/.test(k))).toEqual([]);
    expect(JSON.stringify(span.attributes)).not.toContain('secret');
    expect(tel.logs()).toEqual([]);
  });
});

describe('generateContent: failures', () => {
  const { server, tel, client } = useGeminiTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('an API error: status ERROR, error.type the Google error code, the exception recorded, the app gets the SDK error', async () => {
    server.enqueue(geminiError(429, 'Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED'));
    const error = await captureRejection(client().models.generateContent({ model: MODEL, contents: 'hi' }));
    expect(error.constructor.name).toBe('ApiError');
    expect(error.status).toBe(429);
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(span.attributes['error.type']).toBe('RESOURCE_EXHAUSTED');
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([['exception', 'ApiError']]);
    // The input is still recorded; there is no output.
    expect(contentAttribute(span, INPUT_MESSAGES)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(span.attributes).not.toHaveProperty([OUTPUT_MESSAGES]);
  });

  it('an error without a JSON body: the HTTP status; INVALID_ARGUMENT from a 400', async () => {
    server.enqueue({ kind: 'text-error', status: 502, text: 'bad gateway' }, geminiError(400, 'Invalid value at contents', 'INVALID_ARGUMENT'));
    await captureRejection(client().models.generateContent({ model: MODEL, contents: 'a' }));
    await captureRejection(client().models.generateContent({ model: MODEL, contents: 'b' }));
    expect(tel.spans().map((s) => s.attributes['error.type'])).toEqual(['502', 'INVALID_ARGUMENT']);
  });

  it('a network failure: error.type is the error class', async () => {
    const error = await captureRejection(
      client({ httpOptions: { baseUrl: 'http://127.0.0.1:1' } }).models.generateContent({ model: MODEL, contents: 'x' }),
    );
    const span = onlyErrorSpan(tel.spans(), error.message);
    expect(span.attributes['error.type']).toBe(error.constructor.name);
    expect(span.attributes['server.port']).toBe(1);
  });

  it('a blocked prompt (no candidates, promptFeedback.blockReason): an error span with BLOCKED_<reason>, the app gets the response', async () => {
    server.enqueue(json(response({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usage: { promptTokenCount: 7, totalTokenCount: 7 } })));
    const result = await client().models.generateContent({ model: MODEL, contents: 'bad' });
    expect(result.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'prompt blocked: PROHIBITED_CONTENT' });
    expect(span.attributes['error.type']).toBe('BLOCKED_PROHIBITED_CONTENT');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(7);
    expect(span.events).toEqual([]);
  });
});

describe('generateContent: metrics', () => {
  const { server, tel, client, baseAttributes } = useGeminiTestbed();

  it('records duration and input/output token usage with the response model, and duration with error.type on failure', async () => {
    server.enqueue(
      json(textResponse('one', { usage: usageMetadata(10, 3, { thoughts: 2 }) })),
      geminiError(503, 'The model is overloaded.', 'UNAVAILABLE'),
    );
    await client().models.generateContent({ model: MODEL, contents: 'a' });
    await captureRejection(client().models.generateContent({ model: MODEL, contents: 'b' }));

    const metrics = await tel.metrics();
    const base = baseAttributes('generate_content', MODEL);
    const duration = metricPoints(metrics, 'gen_ai.client.operation.duration');
    expect(duration.map((p) => [p.attributes, p.value.count])).toEqual([
      [{ ...base, 'gen_ai.response.model': RESPONSE_MODEL }, 1],
      [{ ...base, 'error.type': 'UNAVAILABLE' }, 1],
    ]);
    expect(metricByName(metrics, 'gen_ai.client.operation.duration')!.dataPoints[0]!.value).toMatchObject({
      buckets: { boundaries: DURATION_BUCKETS },
    });
    const tokens = metricPoints(metrics, 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value.sum, p.attributes['gen_ai.response.model']])).toEqual([
      ['input', 10, RESPONSE_MODEL],
      ['output', 5, RESPONSE_MODEL],
    ]);
    expect((tokens[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(metricPoints(metrics, 'gen_ai.client.operation.time_to_first_chunk')).toEqual([]);
  });
});

describe('instrumentation lifecycle', () => {
  const { server, tel, client } = useGeminiTestbed();

  it('disable() stops recording for existing clients, enable() resumes it; the calls work throughout', async () => {
    const ai = client();
    server.enqueue(json(textResponse('1')), json(textResponse('2')), json(textResponse('3')), json(textResponse('4')));
    await ai.models.generateContent({ model: MODEL, contents: 'a' });
    tel.instrumentation.disable();
    const second = await ai.models.generateContent({ model: MODEL, contents: 'b' });
    const late = client();
    tel.instrumentation.enable();
    await late.models.generateContent({ model: MODEL, contents: 'c' });
    expect(second.text).toBe('2');
    expect(tel.spans()).toHaveLength(2);
    await ai.models.generateContent({ model: MODEL, contents: 'd' });
    expect(tel.spans().map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
  });

  it('the public methods stay own properties of the instance, and the app can still replace them', async () => {
    const ai = client();
    expect(Object.keys(ai.models)).toEqual(expect.arrayContaining(['generateContent', 'generateContentStream', 'embedContent']));
    const replaced = async () => 'mine';
    (ai.models as unknown as Record<string, unknown>).generateContent = replaced;
    expect(ai.models.generateContent).toBe(replaced);
  });

  it('a client created before the module was patched is still traced, one span per model request', async () => {
    tel.instrumentation.disable();
    const early = client();
    tel.instrumentation.enable();
    server.enqueue(json(textResponse('early', { responseId: 'resp-early' })));
    await early.models.generateContent({ model: MODEL, contents: 'x' });
    expect(onlySpan(tel.spans()).attributes['gen_ai.response.id']).toBe('resp-early');
  });
});
