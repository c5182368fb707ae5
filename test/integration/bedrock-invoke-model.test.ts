/*
 * InvokeModelCommand and InvokeModelWithResponseStreamCommand: each model family's native JSON body,
 * whole and as the decoded chunks of the response stream, with the real SDK over real HTTP/2.
 */
import { InvokeModelCommand, InvokeModelWithResponseStreamCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { SpanStatusCode } from '@opentelemetry/api';
import { captureRejection, collect } from '../helpers/async';
import { useBedrockTestbed } from '../helpers/bedrock-testbed';
import { DETAILS_EVENT, INPUT_MESSAGES, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS, TOOL_DEFINITIONS, onlySpan, parsedAttributes } from '../helpers/spans';
import {
  APP_PROFILE_ARN,
  CLAUDE,
  CLAUDE_PROFILE,
  COHERE_EMBED,
  COHERE_R,
  GPT_OSS,
  LLAMA,
  MISTRAL,
  MISTRAL_LARGE,
  NOVA,
  TITAN_EMBED,
  TITAN_TEXT,
  UNKNOWN_MODEL,
  anthropicBody,
  anthropicMessage,
  anthropicTextChunks,
  decodedChunks,
  invocationMetrics,
} from '../fixtures/bedrock';
import { awsError, chunk, events, json } from '../mock-servers/bedrock-server';

const encode = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
const user = (content: string) => ({ role: 'user', parts: [{ type: 'text', content }] });
const assistant = (parts: unknown[], finishReason: string) => ({ role: 'assistant', parts, finish_reason: finishReason });
const text = (content: string) => ({ type: 'text', content });

describe('InvokeModel: Anthropic Claude', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('sync: parameters, system, tools, tool round trip, image, thinking and tool use in the answer, cache usage', async () => {
    const answer = anthropicMessage(
      [
        { type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig' },
        { type: 'text', text: 'Checking Berlin.' },
        { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Berlin' } },
      ],
      { stop_reason: 'tool_use', usage: { input_tokens: 20, output_tokens: 30, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 } },
    );
    server.enqueue(json(answer));

    const output = await client().send(
      new InvokeModelCommand({
        modelId: CLAUDE,
        contentType: 'application/json',
        body: JSON.stringify(
          anthropicBody({
            max_tokens: 1024,
            temperature: 0.3,
            top_p: 0.8,
            top_k: 20,
            stop_sequences: ['\n\nHuman:'],
            system: 'You are a weather bot.',
            tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
            messages: [
              { role: 'user', content: [{ type: 'text', text: 'Paris?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
              { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_p', name: 'get_weather', input: { city: 'Paris' } }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_p', content: 'rainy' }, { type: 'text', text: 'And Berlin?' }] },
            ],
          }),
        ),
      }),
    );

    expect(JSON.parse(output.body.transformToString())).toEqual(answer);
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(parsedAttributes(span)).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.request.top_k': 20,
      'gen_ai.request.stop_sequences': ['\n\nHuman:'],
      'gen_ai.response.id': 'msg_bdrk_01',
      'gen_ai.response.model': 'claude-3-5-sonnet-20240620',
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 1070,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.cache_creation.input_tokens': 50,
      'aws.request_id': 'req-bedrock-1',
      [SYSTEM_INSTRUCTIONS]: [text('You are a weather bot.')],
      [TOOL_DEFINITIONS]: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      [INPUT_MESSAGES]: [
        { role: 'user', parts: [text('Paris?'), { type: 'blob', modality: 'image', mime_type: 'image/png', content: '[BINARY image/png 8 bytes omitted]' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_p', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_p', response: 'rainy' }, text('And Berlin?')] },
      ],
      [OUTPUT_MESSAGES]: [
        assistant(
          [{ type: 'reasoning', content: 'Need the weather tool.' }, text('Checking Berlin.'), { type: 'tool_call', id: 'toolu_b', name: 'get_weather', arguments: { city: 'Berlin' } }],
          'tool_call',
        ),
      ],
    });
  });

  it('streamed (body as bytes): text, thinking and tool-use deltas assembled; usage from message_start and message_delta; the app gets every chunk', async () => {
    const frames = [
      chunk({ type: 'message_start', message: { id: 'msg_bdrk_s2', type: 'message', role: 'assistant', model: 'claude-3-7-sonnet-20250219', content: [], usage: { input_tokens: 40, output_tokens: 1, cache_read_input_tokens: 200 } } }),
      chunk({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Weather ' } }),
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'tool.' } }),
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2ln' } }),
      chunk({ type: 'content_block_stop', index: 0 }),
      chunk({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      chunk({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me ' } }),
      chunk({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'check.' } }),
      chunk({ type: 'content_block_stop', index: 1 }),
      chunk({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_s', name: 'get_weather', input: {} } }),
      chunk({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": ' } }),
      chunk({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } }),
      chunk({ type: 'content_block_stop', index: 2 }),
      chunk({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 25 } }),
      chunk({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': invocationMetrics(40, 25) }),
    ];
    server.enqueue(events(frames));

    const output = await client().send(new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE_PROFILE, body: encode(anthropicBody({ max_tokens: 300 })) }));
    const items = await collect(output.body!);

    expect(decodedChunks(items as never)).toEqual(frames.map((f) => JSON.parse(Buffer.from((f as { payload: { bytes: string } }).payload.bytes, 'base64').toString())));
    const span = onlySpan(tel.spans());
    expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
      ...baseAttributes('chat', CLAUDE_PROFILE),
      'gen_ai.request.max_tokens': 300,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'msg_bdrk_s2',
      'gen_ai.response.model': 'claude-3-7-sonnet-20250219',
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 240,
      'gen_ai.usage.output_tokens': 25,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Hello, Claude')],
      [OUTPUT_MESSAGES]: [
        assistant([{ type: 'reasoning', content: 'Weather tool.' }, text('Let me check.'), { type: 'tool_call', id: 'toolu_s', name: 'get_weather', arguments: { city: 'Oslo' } }], 'tool_call'),
      ],
    });
  });

  // The Messages body is read as the Anthropic SDK path reads it (test/integration/anthropic-messages.test.ts).
  it('sync: output_config.effort and output_config.format record the reasoning level and the JSON output type', async () => {
    server.enqueue(json(anthropicMessage([{ type: 'text', text: '{"a":"x"}' }])));

    await client().send(
      new InvokeModelCommand({
        modelId: CLAUDE,
        body: JSON.stringify(
          anthropicBody({
            output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
          }),
        ),
      }),
    );

    expect(parsedAttributes(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.max_tokens': 512,
      'gen_ai.request.reasoning.level': 'high',
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': 'msg_bdrk_01',
      'gen_ai.response.model': 'claude-3-5-sonnet-20240620',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 8,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Hello, Claude')],
      [OUTPUT_MESSAGES]: [assistant([text('{"a":"x"}')], 'stop')],
    });
  });

  it('streamed: output_config.effort and the beta output_format record the reasoning level and the JSON output type', async () => {
    server.enqueue(events(anthropicTextChunks(['{"a":', '"x"}'])));

    const body = anthropicBody({
      anthropic_beta: ['structured-outputs-2025-11-13'],
      output_config: { effort: 'low' },
      output_format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } },
    });
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE_PROFILE, body: encode(body) }))).body!);

    expect(parsedAttributes(onlySpan(tel.spans()), { takeTtfc: true })).toEqual({
      ...baseAttributes('chat', CLAUDE_PROFILE),
      'gen_ai.request.max_tokens': 512,
      'gen_ai.request.stream': true,
      'gen_ai.request.reasoning.level': 'low',
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': 'msg_bdrk_s1',
      'gen_ai.response.model': 'claude-3-5-sonnet-20240620',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 2,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Hello, Claude')],
      [OUTPUT_MESSAGES]: [assistant([text('{"a":"x"}')], 'stop')],
    });
  });

  it('an application inference profile ARN names no family: an Anthropic body is recognised by its anthropic_version', async () => {
    server.enqueue(events(anthropicTextChunks(['Hi', '!'])));
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: APP_PROFILE_ARN, body: JSON.stringify(anthropicBody()) }))).body!);
    const attrs = parsedAttributes(onlySpan(tel.spans()), { takeTtfc: true });
    expect(attrs).toMatchObject({ 'gen_ai.request.model': APP_PROFILE_ARN, 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.usage.output_tokens': 2 });
    expect(attrs[OUTPUT_MESSAGES]).toEqual([assistant([text('Hi!')], 'stop')]);
  });

  it('the legacy Claude 2 text completion body is a text_completion', async () => {
    server.enqueue(json({ completion: ' Hello there.', stop_reason: 'stop_sequence', stop: '\n\nHuman:' }, { 'x-amzn-bedrock-input-token-count': '11', 'x-amzn-bedrock-output-token-count': '4' }));
    await client().send(new InvokeModelCommand({ modelId: 'anthropic.claude-v2:1', body: JSON.stringify({ prompt: '\n\nHuman: Hi\n\nAssistant:', max_tokens_to_sample: 50 }) }));
    expect(parsedAttributes(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes('text_completion', 'anthropic.claude-v2:1'),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('\n\nHuman: Hi\n\nAssistant:')],
      [OUTPUT_MESSAGES]: [assistant([text(' Hello there.')], 'stop')],
    });
  });
});

describe('InvokeModel: Amazon models', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  const novaRequest = {
    schemaVersion: 'messages-v1',
    system: [{ text: 'Be concise.' }],
    messages: [{ role: 'user', content: [{ text: 'Describe' }, { image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } }] }],
    inferenceConfig: { max_new_tokens: 100, temperature: 0.4, top_p: 0.9, top_k: 50, stopSequences: ['END'] },
  };

  it('Nova sync: Converse-shaped content in JSON, snake_case parameters, usage with cache counts', async () => {
    server.enqueue(
      json({
        output: { message: { role: 'assistant', content: [{ text: 'A cat.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 30, outputTokens: 3, totalTokens: 53, cacheReadInputTokenCount: 20, cacheWriteInputTokenCount: 0 },
      }),
    );
    await client().send(new InvokeModelCommand({ modelId: NOVA, body: JSON.stringify(novaRequest) }));
    expect(parsedAttributes(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes('chat', NOVA),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.4,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 50,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 50,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'aws.request_id': 'req-bedrock-1',
      [SYSTEM_INSTRUCTIONS]: [text('Be concise.')],
      [INPUT_MESSAGES]: [{ role: 'user', parts: [text('Describe'), { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: '[BINARY image/jpeg 6 bytes omitted]' }] }],
      [OUTPUT_MESSAGES]: [assistant([text('A cat.')], 'stop')],
    });
    const [details] = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(details!.attributes[OUTPUT_MESSAGES]).toEqual([assistant([text('A cat.')], 'stop')]);
  });

  it('Nova streamed: Converse-shaped events as chunks, usage from the metadata event', async () => {
    server.enqueue(
      events([
        chunk({ messageStart: { role: 'assistant' } }),
        chunk({ contentBlockDelta: { delta: { text: 'A ' }, contentBlockIndex: 0 } }),
        chunk({ contentBlockDelta: { delta: { text: 'dog.' }, contentBlockIndex: 0 } }),
        chunk({ contentBlockStop: { contentBlockIndex: 0 } }),
        chunk({ messageStop: { stopReason: 'max_tokens' } }),
        chunk({ metadata: { usage: { inputTokens: 30, outputTokens: 2 } }, 'amazon-bedrock-invocationMetrics': invocationMetrics(30, 2) }),
      ]),
    );
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: `us.${NOVA}`, body: JSON.stringify(novaRequest) }))).body!);
    const attrs = parsedAttributes(onlySpan(tel.spans()), { takeTtfc: true });
    expect(attrs).toMatchObject({
      'gen_ai.request.model': `us.${NOVA}`,
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(attrs[OUTPUT_MESSAGES]).toEqual([assistant([text('A dog.')], 'length')]);
  });

  it('Titan text sync and streamed: a text completion', async () => {
    server.enqueue(
      json({ inputTextTokenCount: 5, results: [{ tokenCount: 4, outputText: 'Paris is nice.', completionReason: 'FINISH' }] }),
      events([
        chunk({ outputText: 'Rome ', index: 0, totalOutputTextTokenCount: 1, completionReason: null, inputTextTokenCount: 5 }),
        chunk({ outputText: 'too.', index: 0, totalOutputTextTokenCount: 3, completionReason: 'LENGTH', 'amazon-bedrock-invocationMetrics': invocationMetrics(5, 3) }),
      ]),
    );
    const body = JSON.stringify({ inputText: 'Tell me about Paris', textGenerationConfig: { maxTokenCount: 50, temperature: 0, topP: 1, stopSequences: ['User:'] } });
    await client().send(new InvokeModelCommand({ modelId: TITAN_TEXT, body }));
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: TITAN_TEXT, body }))).body!);

    const [sync, streamed] = tel.spans();
    const params = {
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.stop_sequences': ['User:'],
    };
    expect(parsedAttributes(sync!)).toEqual({
      ...baseAttributes('text_completion', TITAN_TEXT),
      ...params,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Tell me about Paris')],
      [OUTPUT_MESSAGES]: [assistant([text('Paris is nice.')], 'stop')],
    });
    expect(parsedAttributes(streamed!, { takeTtfc: true })).toEqual({
      ...baseAttributes('text_completion', TITAN_TEXT),
      ...params,
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
      'aws.request_id': 'req-bedrock-2',
      [INPUT_MESSAGES]: [user('Tell me about Paris')],
      [OUTPUT_MESSAGES]: [assistant([text('Rome too.')], 'length')],
    });
  });

  it('Titan embeddings: an embeddings span with dimension count, input tokens and encoding formats, and no content or event', async () => {
    server.enqueue(json({ embedding: [0.1, 0.2, 0.3, 0.4], embeddingsByType: { float: [0.1, 0.2, 0.3, 0.4] }, inputTextTokenCount: 6 }));
    await client().send(new InvokeModelCommand({ modelId: TITAN_EMBED, body: JSON.stringify({ inputText: 'secret text', dimensions: 256, normalize: true, embeddingTypes: ['float'] }) }));
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`embeddings ${TITAN_EMBED}`);
    expect(span.attributes).toEqual({
      ...baseAttributes('embeddings', TITAN_EMBED),
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.embeddings.dimension.count': 256,
      'gen_ai.usage.input_tokens': 6,
      'aws.request_id': 'req-bedrock-1',
    });
    expect(tel.logs()).toEqual([]);
  });
});

describe('InvokeModel: Meta, Cohere, Mistral and OpenAI gpt-oss', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  it('Llama sync and streamed: token counts from the body', async () => {
    const prompt = '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\nHi<|eot_id|>';
    server.enqueue(
      json({ generation: 'Hello!', prompt_token_count: 12, generation_token_count: 3, stop_reason: 'stop' }),
      events([
        chunk({ generation: 'Hel', prompt_token_count: 12, generation_token_count: 1, stop_reason: null }),
        chunk({ generation: 'lo', prompt_token_count: null, generation_token_count: 2, stop_reason: 'length', 'amazon-bedrock-invocationMetrics': invocationMetrics(12, 2) }),
      ]),
    );
    const body = JSON.stringify({ prompt, max_gen_len: 64, temperature: 0.5, top_p: 0.9 });
    await client().send(new InvokeModelCommand({ modelId: LLAMA, body }));
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: LLAMA, body }))).body!);

    const [sync, streamed] = tel.spans();
    const params = { 'gen_ai.request.max_tokens': 64, 'gen_ai.request.temperature': 0.5, 'gen_ai.request.top_p': 0.9 };
    expect(parsedAttributes(sync!)).toEqual({
      ...baseAttributes('text_completion', LLAMA),
      ...params,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user(prompt)],
      [OUTPUT_MESSAGES]: [assistant([text('Hello!')], 'stop')],
    });
    expect(parsedAttributes(streamed!, { takeTtfc: true })).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 2,
      [OUTPUT_MESSAGES]: [assistant([text('Hello')], 'length')],
    });
  });

  it('Cohere Command R sync: preamble, chat history, tools and tool calls in the answer; billed usage', async () => {
    server.enqueue(
      json({
        response_id: 'resp-cohere-1',
        text: 'Let me look.',
        generation_id: 'gen-1',
        finish_reason: 'COMPLETE',
        tool_calls: [{ name: 'lookup_order', parameters: { id: 'A1' } }],
        meta: { billed_units: { input_tokens: 44, output_tokens: 9 } },
      }),
    );
    await client().send(
      new InvokeModelCommand({
        modelId: COHERE_R,
        body: JSON.stringify({
          message: 'Where is order A1?',
          preamble: 'You are a support bot.',
          chat_history: [
            { role: 'USER', message: 'Hi' },
            { role: 'CHATBOT', message: 'Hello, how can I help?' },
          ],
          tools: [{ name: 'lookup_order', description: 'Find an order', parameter_definitions: { id: { type: 'str', required: true } } }],
          max_tokens: 200,
          temperature: 0.3,
          p: 0.75,
          k: 10,
          seed: 7,
        }),
      }),
    );
    expect(parsedAttributes(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes('chat', COHERE_R),
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.75,
      'gen_ai.request.top_k': 10,
      'gen_ai.request.seed': 7,
      'gen_ai.response.id': 'resp-cohere-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 44,
      'gen_ai.usage.output_tokens': 9,
      'aws.request_id': 'req-bedrock-1',
      [SYSTEM_INSTRUCTIONS]: [text('You are a support bot.')],
      [TOOL_DEFINITIONS]: [{ type: 'function', name: 'lookup_order', description: 'Find an order', parameters: { id: { type: 'str', required: true } } }],
      [INPUT_MESSAGES]: [user('Hi'), { role: 'assistant', parts: [text('Hello, how can I help?')] }, user('Where is order A1?')],
      [OUTPUT_MESSAGES]: [assistant([text('Let me look.'), { type: 'tool_call', name: 'lookup_order', arguments: { id: 'A1' } }], 'stop')],
    });
  });

  it('Cohere Command R streamed: text generation events, and the stream-end response', async () => {
    server.enqueue(
      events([
        chunk({ is_finished: false, event_type: 'stream-start', generation_id: 'gen-2' }),
        chunk({ is_finished: false, event_type: 'text-generation', text: 'On ' }),
        chunk({ is_finished: false, event_type: 'text-generation', text: 'its way.' }),
        chunk({
          is_finished: true,
          event_type: 'stream-end',
          finish_reason: 'MAX_TOKENS',
          response: { response_id: 'resp-cohere-2', text: 'On its way.', meta: { billed_units: { input_tokens: 10, output_tokens: 3 } } },
          'amazon-bedrock-invocationMetrics': invocationMetrics(10, 3),
        }),
      ]),
    );
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: COHERE_R, body: JSON.stringify({ message: 'Status?' }) }))).body!);
    expect(parsedAttributes(onlySpan(tel.spans()), { takeTtfc: true })).toEqual({
      ...baseAttributes('chat', COHERE_R),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'resp-cohere-2',
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 3,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Status?')],
      [OUTPUT_MESSAGES]: [assistant([text('On its way.')], 'length')],
    });
  });

  it('Cohere Embed: embeddings with dimension count, response id, encoding formats and input tokens from the response headers', async () => {
    server.enqueue(
      json({ id: 'emb-1', response_type: 'embeddings_by_type', embeddings: { float: [[0.5, 0.25, 0.125]] }, texts: ['hello'] }, { 'x-amzn-bedrock-input-token-count': '3' }),
    );
    await client().send(new InvokeModelCommand({ modelId: COHERE_EMBED, body: JSON.stringify({ texts: ['hello'], input_type: 'search_document', embedding_types: ['float'] }) }));
    expect(onlySpan(tel.spans()).attributes).toEqual({
      ...baseAttributes('embeddings', COHERE_EMBED),
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.response.id': 'emb-1',
      'gen_ai.embeddings.dimension.count': 3,
      'gen_ai.usage.input_tokens': 3,
      'aws.request_id': 'req-bedrock-1',
    });
  });

  it('Mistral text sync and streamed: a text completion, usage from the response headers / invocation metrics', async () => {
    server.enqueue(
      json({ outputs: [{ text: ' Bonjour!', stop_reason: 'stop' }] }, { 'x-amzn-bedrock-input-token-count': '9', 'x-amzn-bedrock-output-token-count': '3' }),
      events([
        chunk({ outputs: [{ text: ' Bon', stop_reason: null }] }),
        chunk({ outputs: [{ text: 'soir', stop_reason: 'length' }], 'amazon-bedrock-invocationMetrics': invocationMetrics(9, 2) }),
      ]),
    );
    const body = JSON.stringify({ prompt: '<s>[INST] Say hello in French [/INST]', max_tokens: 20, temperature: 0.7, top_p: 0.9, top_k: 50, stop: ['</s>'] });
    await client().send(new InvokeModelCommand({ modelId: MISTRAL, body }));
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: MISTRAL, body }))).body!);

    const [sync, streamed] = tel.spans();
    expect(parsedAttributes(sync!)).toEqual({
      ...baseAttributes('text_completion', MISTRAL),
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 50,
      'gen_ai.request.stop_sequences': ['</s>'],
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 3,
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('<s>[INST] Say hello in French [/INST]')],
      [OUTPUT_MESSAGES]: [assistant([text(' Bonjour!')], 'stop')],
    });
    expect(parsedAttributes(streamed!, { takeTtfc: true })).toMatchObject({
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 2,
      [OUTPUT_MESSAGES]: [assistant([text(' Bonsoir')], 'length')],
    });
  });

  it('Mistral Large 2 takes a Chat Completions body: chat with tools and tool calls, and no openai.* attributes', async () => {
    server.enqueue(
      json({
        id: 'cmpl-mistral-1',
        object: 'chat.completion',
        model: 'mistral-large-2407',
        choices: [{ index: 0, message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }] }, finish_reason: 'tool_calls' }],
        usage: { prompt_tokens: 30, completion_tokens: 10, total_tokens: 40 },
      }),
    );
    await client().send(
      new InvokeModelCommand({
        modelId: MISTRAL_LARGE,
        body: JSON.stringify({
          messages: [{ role: 'system', content: 'Be exact.' }, { role: 'user', content: 'Time in Paris?' }],
          tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } }],
          max_tokens: 100,
          temperature: 0.1,
        }),
      }),
    );
    expect(parsedAttributes(onlySpan(tel.spans()))).toEqual({
      ...baseAttributes('chat', MISTRAL_LARGE),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.1,
      'gen_ai.response.id': 'cmpl-mistral-1',
      'gen_ai.response.model': 'mistral-large-2407',
      'gen_ai.response.finish_reasons': ['tool_call'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 10,
      'aws.request_id': 'req-bedrock-1',
      [TOOL_DEFINITIONS]: [{ type: 'function', name: 'get_time', parameters: { type: 'object' } }],
      [INPUT_MESSAGES]: [{ role: 'system', parts: [text('Be exact.')] }, user('Time in Paris?')],
      [OUTPUT_MESSAGES]: [assistant([{ type: 'tool_call', id: 'call_1', name: 'get_time', arguments: { tz: 'CET' } }], 'tool_call')],
    });
  });
  it('OpenAI gpt-oss sync and streamed: reasoning_effort as the reasoning level, json output type, and no openai.* attributes', async () => {
    server.enqueue(
      json({
        id: 'chatcmpl-oss-1',
        object: 'chat.completion',
        model: 'openai.gpt-oss-120b-1:0',
        choices: [{ index: 0, message: { role: 'assistant', content: '{"answer":4}' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 25, completion_tokens: 6, total_tokens: 31 },
      }),
      events([
        chunk({ id: 'chatcmpl-oss-2', object: 'chat.completion.chunk', model: 'openai.gpt-oss-120b-1:0', choices: [{ index: 0, delta: { role: 'assistant', content: '{"answer"' }, finish_reason: null }] }),
        chunk({
          id: 'chatcmpl-oss-2',
          object: 'chat.completion.chunk',
          model: 'openai.gpt-oss-120b-1:0',
          choices: [{ index: 0, delta: { content: ':4}' }, finish_reason: 'stop' }],
          'amazon-bedrock-invocationMetrics': invocationMetrics(25, 6),
        }),
      ]),
    );
    const body = JSON.stringify({
      messages: [{ role: 'user', content: 'What is 2+2? Answer in JSON.' }],
      max_completion_tokens: 500,
      reasoning_effort: 'high',
      response_format: { type: 'json_object' },
    });
    await client().send(new InvokeModelCommand({ modelId: GPT_OSS, body }));
    await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: GPT_OSS, body }))).body!);

    const [sync, streamed] = tel.spans();
    const request = {
      ...baseAttributes('chat', GPT_OSS),
      'gen_ai.request.max_tokens': 500,
      'gen_ai.request.reasoning.level': 'high',
      'gen_ai.output.type': 'json',
      [INPUT_MESSAGES]: [user('What is 2+2? Answer in JSON.')],
    };
    expect(parsedAttributes(sync!)).toEqual({
      ...request,
      'gen_ai.response.id': 'chatcmpl-oss-1',
      'gen_ai.response.model': 'openai.gpt-oss-120b-1:0',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 25,
      'gen_ai.usage.output_tokens': 6,
      'aws.request_id': 'req-bedrock-1',
      [OUTPUT_MESSAGES]: [assistant([text('{"answer":4}')], 'stop')],
    });
    expect(parsedAttributes(streamed!, { takeTtfc: true })).toEqual({
      ...request,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-oss-2',
      'gen_ai.response.model': 'openai.gpt-oss-120b-1:0',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 25,
      'gen_ai.usage.output_tokens': 6,
      'aws.request_id': 'req-bedrock-2',
      [OUTPUT_MESSAGES]: [assistant([text('{"answer":4}')], 'stop')],
    });
  });
});

describe('InvokeModel: unknown families, guardrails and failures', () => {
  const { server, tel, client, baseAttributes } = useBedrockTestbed({ config: { captureMessageContent: 'SPAN_AND_EVENT' } });

  const j2Body = JSON.stringify({ prompt: 'Write a haiku', maxTokens: 60, temperature: 0.7, topP: 1, stopSequences: ['##'] });

  it('an unknown family (sync): model, the parameters it can read, usage from the headers; no content, no finish reasons, never a crash', async () => {
    server.enqueue(
      json(
        { id: 1234, prompt: { text: 'Write a haiku' }, completions: [{ data: { text: 'Autumn moonlight' }, finishReason: { reason: 'endoftext' } }] },
        { 'x-amzn-bedrock-input-token-count': '4', 'x-amzn-bedrock-output-token-count': '6' },
      ),
    );
    const output = await client().send(new InvokeModelCommand({ modelId: UNKNOWN_MODEL, body: j2Body }));
    expect(JSON.parse(output.body.transformToString()).completions[0].data.text).toBe('Autumn moonlight');
    const span = onlySpan(tel.spans());
    expect(span.name).toBe(`text_completion ${UNKNOWN_MODEL}`);
    expect(span.attributes).toEqual({
      ...baseAttributes('text_completion', UNKNOWN_MODEL),
      'gen_ai.request.max_tokens': 60,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.stop_sequences': ['##'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 6,
      'aws.request_id': 'req-bedrock-1',
    });
    // The details event still describes the call (for apps that keep call records in a log store), without content.
    const [details] = tel.logs().filter((l) => l.eventName === DETAILS_EVENT);
    expect(details!.attributes).toEqual(span.attributes);
  });

  it('an unknown family (streamed): usage from the invocation metrics of the last chunk', async () => {
    server.enqueue(events([chunk({ token: 'a' }), chunk({ token: 'b', 'amazon-bedrock-invocationMetrics': invocationMetrics(4, 2) })]));
    const items = await collect((await client().send(new InvokeModelWithResponseStreamCommand({ modelId: UNKNOWN_MODEL, body: j2Body }))).body!);
    expect(items).toHaveLength(2);
    const attrs = parsedAttributes(onlySpan(tel.spans()), { takeTtfc: true });
    expect(attrs).toMatchObject({ 'gen_ai.request.stream': true, 'gen_ai.usage.input_tokens': 4, 'gen_ai.usage.output_tokens': 2 });
    for (const key of [INPUT_MESSAGES, OUTPUT_MESSAGES, 'gen_ai.response.finish_reasons']) expect(attrs).not.toHaveProperty([key]);
  });

  it('a body that is not JSON and an answer that is not JSON: a span with what is known', async () => {
    server.enqueue(json('not an object', { 'x-amzn-bedrock-input-token-count': '2' }));
    const output = await client().send(new InvokeModelCommand({ modelId: CLAUDE, body: 'not json at all' }));
    expect(output.body.transformToString()).toBe('"not an object"');
    expect(onlySpan(tel.spans()).attributes).toEqual({ ...baseAttributes('chat', CLAUDE), 'gen_ai.usage.input_tokens': 2, 'aws.request_id': 'req-bedrock-1' });
  });

  it('a guardrail: its id on the span, and an intervention recorded as content_filter', async () => {
    server.enqueue(
      json({ ...anthropicMessage([{ type: 'text', text: 'Sorry, I cannot help with that.' }]), 'amazon-bedrock-guardrailAction': 'INTERVENED' }),
    );
    await client().send(new InvokeModelCommand({ modelId: CLAUDE, guardrailIdentifier: 'gr-xyz', guardrailVersion: 'DRAFT', body: JSON.stringify(anthropicBody()) }));
    const attrs = parsedAttributes(onlySpan(tel.spans()));
    expect(attrs).toMatchObject({ 'aws.bedrock.guardrail.id': 'gr-xyz', 'gen_ai.response.finish_reasons': ['content_filter'] });
    expect(attrs[OUTPUT_MESSAGES]).toEqual([assistant([text('Sorry, I cannot help with that.')], 'content_filter')]);
  });

  it('ValidationException: the SDK error, the span ERROR with error.type and request id', async () => {
    server.enqueue(awsError(400, 'ValidationException', 'Malformed input request'));
    const error = await captureRejection(client().send(new InvokeModelCommand({ modelId: CLAUDE, body: JSON.stringify(anthropicBody()) })));
    expect(error).toBeInstanceOf(ValidationException);
    const span = onlySpan(tel.spans());
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Malformed input request' });
    expect(parsedAttributes(span)).toEqual({
      ...baseAttributes('chat', CLAUDE),
      'gen_ai.request.max_tokens': 512,
      'error.type': 'ValidationException',
      'aws.request_id': 'req-bedrock-1',
      [INPUT_MESSAGES]: [user('Hello, Claude')],
    });
  });
});
