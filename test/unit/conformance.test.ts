/*
 * The conformance checker (test/helpers/conformance.ts) must be able to fail: each rule is fed a span or
 * log record that breaks it, and the exact violation is asserted. Spans come from a real SDK tracer with
 * deliberately bad attributes; values the SDK would drop (non-primitive attributes) use hand-built
 * ReadableSpan-like objects.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ConformanceCollector,
  DETAILS_EVENT_NAME,
  checkDetailsEvent,
  checkExceptionEvent,
  checkGenAILogRecord,
  checkGenAISpan,
  type LogRecordLike,
} from '../helpers/conformance';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('conformance-test');

afterAll(() => provider.shutdown());

interface SpanOptions {
  name?: string;
  kind?: SpanKind;
  error?: boolean;
}

/** Ends a real SDK span with these attributes and returns its ReadableSpan. */
function makeSpan(attributes: Attributes, opts: SpanOptions = {}): ReadableSpan {
  exporter.reset();
  const op = attributes['gen_ai.operation.name'];
  const model = attributes['gen_ai.request.model'];
  const name = opts.name ?? (model ? `${String(op)} ${String(model)}` : String(op));
  const span = tracer.startSpan(name, { kind: opts.kind ?? SpanKind.CLIENT, attributes });
  if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end();
  const [finished] = exporter.getFinishedSpans();
  return finished!;
}

/** A chat span with `VALID` attributes, changed by `patch` (an `undefined` value removes the attribute). */
function chatSpan(patch: Record<string, unknown> = {}, opts: SpanOptions = {}): ReadableSpan {
  const attrs: Attributes = { ...VALID };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete attrs[k];
    else attrs[k] = v as Attributes[string];
  }
  return makeSpan(attrs, opts);
}

/** A ReadableSpan-like object, for attribute values a real SDK span would refuse to hold. */
function fakeSpan(attributes: Record<string, unknown>, name = 'chat gpt-4o'): ReadableSpan {
  return {
    name,
    kind: SpanKind.CLIENT,
    attributes,
    status: { code: SpanStatusCode.UNSET },
    spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }),
  } as unknown as ReadableSpan;
}

const INPUT_MESSAGES = [
  { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
  {
    role: 'user',
    name: 'alice',
    parts: [
      { type: 'text', content: 'Weather here?' },
      { type: 'uri', modality: 'image', mime_type: 'image/png', uri: 'https://ex.com/a.png' },
      { type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: 'UklGRi4AAABXQVZF' },
      { type: 'file', modality: 'image', file_id: 'file-abc123' },
    ],
  },
  {
    role: 'assistant',
    parts: [
      { type: 'reasoning', content: 'Need the weather tool.' },
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 14C' }] },
];

const OUTPUT_MESSAGES = [
  { role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 14C.' }], finish_reason: 'stop' },
  {
    role: 'assistant',
    parts: [
      { type: 'server_tool_call', id: 'ws_1', name: 'web_search', server_tool_call: { type: 'web_search', query: 'paris weather' } },
      { type: 'server_tool_call_response', id: 'ws_1', server_tool_call_response: { type: 'web_search', results: [] } },
      { type: 'tool_call', id: 'call_2', name: 'book', arguments: { day: 'mon' } },
      { type: 'refusal_note', anything: ['goes'] },
    ],
    finish_reason: 'tool_call',
  },
];

const SYSTEM_INSTRUCTIONS = [
  { type: 'text', content: 'You are a translator.' },
  { type: 'text', content: 'Translate to French.' },
];

const TOOL_DEFINITIONS = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  { type: 'web_search', name: 'web_search' },
];

const VALID: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'server.address': 'api.openai.com',
  'server.port': 443,
  'gen_ai.conversation.id': 'conv_1',
  'gen_ai.output.type': 'json',
  'gen_ai.request.choice.count': 2,
  'gen_ai.request.seed': -3,
  'gen_ai.request.stream': true,
  'gen_ai.request.max_tokens': 100,
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.top_p': 1,
  'gen_ai.request.stop_sequences': ['\n\n'],
  'gen_ai.request.frequency_penalty': -0.5,
  'gen_ai.request.presence_penalty': 0.5,
  'gen_ai.request.reasoning.level': 'low',
  'gen_ai.response.id': 'chatcmpl-1',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.response.finish_reasons': ['stop', 'tool_call'],
  'gen_ai.response.time_to_first_chunk': 0.12,
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
  'gen_ai.usage.cache_read.input_tokens': 40,
  'gen_ai.usage.cache_creation.input_tokens': 10,
  'gen_ai.usage.reasoning.output_tokens': 5,
  'openai.api.type': 'chat_completions',
  'openai.request.service_tier': 'flex',
  'openai.response.service_tier': 'flex',
  'openai.response.system_fingerprint': 'fp_1',
  'gen_ai.input.messages': JSON.stringify(INPUT_MESSAGES),
  'gen_ai.output.messages': JSON.stringify(OUTPUT_MESSAGES),
  'gen_ai.system_instructions': JSON.stringify(SYSTEM_INSTRUCTIONS),
  'gen_ai.tool.definitions': JSON.stringify(TOOL_DEFINITIONS),
};

/** Input messages holding one message with these parts. */
const withInputParts = (...parts: unknown[]) => ({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts }]) });

describe('checkGenAISpan', () => {
  it('accepts a fully valid chat span (every v1.41 attribute, all content kinds)', () => {
    expect(checkGenAISpan(chatSpan())).toEqual([]);
  });

  it('accepts a minimal span and a valid embeddings span', () => {
    expect(checkGenAISpan(makeSpan({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' }))).toEqual([]);
    const embeddings = makeSpan({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'server.address': 'x.openai.azure.com',
      'server.port': 443,
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.embeddings.dimension.count': 1536,
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 8,
    });
    expect(checkGenAISpan(embeddings)).toEqual([]);
  });

  it('accepts an error span that carries error.type', () => {
    expect(checkGenAISpan(chatSpan({ 'error.type': 'RateLimitError' }, { error: true }))).toEqual([]);
  });

  describe('attribute names', () => {
    it('rejects an unknown attribute (a typo)', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.request.temprature': 0.2 }))).toEqual(['unknown attribute gen_ai.request.temprature']);
    });

    it('rejects gen_ai.system and other deprecated names, naming the replacement', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.system': 'openai' }))).toEqual([
        'attribute gen_ai.system is deprecated: use gen_ai.provider.name',
      ]);
      expect(checkGenAISpan(chatSpan({ 'gen_ai.usage.prompt_tokens': 1, 'gen_ai.openai.request.seed': 1 }))).toEqual([
        'attribute gen_ai.usage.prompt_tokens is deprecated: use gen_ai.usage.input_tokens',
        'attribute gen_ai.openai.request.seed is deprecated: use gen_ai.request.seed',
      ]);
    });

    it('rejects the genai-main rename cache_write (v1.41 is cache_creation)', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.usage.cache_write.input_tokens': 1 }))).toEqual([
        'attribute gen_ai.usage.cache_write.input_tokens is genai-main only: v1.41 uses gen_ai.usage.cache_creation.input_tokens',
      ]);
    });
  });

  describe('types', () => {
    it.each<[string, unknown, string]>([
      ['gen_ai.usage.input_tokens', 1.5, 'gen_ai.usage.input_tokens must be a non-negative integer, got 1.5'],
      ['gen_ai.usage.output_tokens', '20', 'gen_ai.usage.output_tokens must be a non-negative integer, got "20"'],
      ['gen_ai.usage.cache_read.input_tokens', -1, 'gen_ai.usage.cache_read.input_tokens must be a non-negative integer, got -1'],
      ['gen_ai.request.max_tokens', 10.5, 'gen_ai.request.max_tokens must be a non-negative integer, got 10.5'],
      ['gen_ai.request.choice.count', '2', 'gen_ai.request.choice.count must be a non-negative integer, got "2"'],
      ['gen_ai.request.seed', 1.25, 'gen_ai.request.seed must be an integer, got 1.25'],
      ['server.port', '443', 'server.port must be an integer port (1-65535), got "443"'],
      ['server.port', 70000, 'server.port must be an integer port (1-65535), got 70000'],
      ['gen_ai.request.temperature', '0.2', 'gen_ai.request.temperature must be a finite number (double), got "0.2"'],
      ['gen_ai.request.top_p', true, 'gen_ai.request.top_p must be a finite number (double), got true'],
      ['gen_ai.request.frequency_penalty', Number.NaN, 'gen_ai.request.frequency_penalty must be a finite number (double), got null'],
      ['gen_ai.response.time_to_first_chunk', -0.1, 'gen_ai.response.time_to_first_chunk must be a non-negative number of seconds, got -0.1'],
      ['gen_ai.request.stop_sequences', '\n', 'gen_ai.request.stop_sequences must be an array of strings, got "\\n"'],
      ['gen_ai.request.stop_sequences', [1, 2], 'gen_ai.request.stop_sequences must be an array of strings, got [1,2]'],
      ['gen_ai.request.stream', false, 'gen_ai.request.stream must be true when set (unset means not streaming), got false'],
      ['gen_ai.request.stream', 'true', 'gen_ai.request.stream must be true when set (unset means not streaming), got "true"'],
      ['gen_ai.response.id', 42, 'gen_ai.response.id must be a string, got 42'],
      ['gen_ai.request.model', 4, 'gen_ai.request.model must be a string, got 4'],
      ['gen_ai.input.messages', 7, 'gen_ai.input.messages must be a JSON string on spans, got 7'],
    ])('%s = %j', (key, value, message) => {
      // Keep the span name consistent with whatever the model attribute holds, so only the type rule fires.
      const name = key === 'gen_ai.request.model' ? 'chat 4' : undefined;
      expect(checkGenAISpan(chatSpan({ [key]: value }, { name }))).toEqual([message]);
    });

    it('rejects finish_reasons that are not all strings', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.response.finish_reasons': [1, 2] }))).toEqual([
        'gen_ai.response.finish_reasons must be an array of strings, got [1,2]',
      ]);
    });

    it('rejects a content attribute that is not a string (hand-built span: the SDK would drop it)', () => {
      const attrs = { ...VALID, 'gen_ai.system_instructions': SYSTEM_INSTRUCTIONS };
      expect(checkGenAISpan(fakeSpan(attrs))).toEqual([
        'gen_ai.system_instructions must be a JSON string on spans, got [{"type":"text","content":"You are a translator."},{"type":"text","content":"...',
      ]);
    });
  });

  describe('required attributes', () => {
    it('rejects a span without gen_ai.provider.name', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.provider.name': undefined }))).toEqual(['missing required attribute gen_ai.provider.name']);
    });

    it('rejects a span without gen_ai.operation.name', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.operation.name': undefined }, { name: 'chat gpt-4o' }))).toEqual([
        'missing required attribute gen_ai.operation.name',
      ]);
    });

    it('requires server.port when server.address is set', () => {
      expect(checkGenAISpan(chatSpan({ 'server.port': undefined }))).toEqual(['server.port is required when server.address is set']);
    });

    it('requires error.type when the status is ERROR, and ERROR when error.type is set', () => {
      expect(checkGenAISpan(chatSpan({}, { error: true }))).toEqual(['error.type is required when the span status is ERROR']);
      expect(checkGenAISpan(chatSpan({ 'error.type': '_OTHER' }))).toEqual(['error.type is set but the span status is not ERROR']);
    });

    it('requires span kind CLIENT for inference and embeddings', () => {
      expect(checkGenAISpan(chatSpan({}, { kind: SpanKind.INTERNAL }))).toEqual(['span kind must be CLIENT for chat, got INTERNAL']);
    });

    it('requires the span name "{operation} {request.model}", or the operation alone without a model', () => {
      expect(checkGenAISpan(chatSpan({}, { name: 'chat' }))).toEqual(['span name must be "chat gpt-4o", got "chat"']);
      expect(checkGenAISpan(chatSpan({}, { name: 'openai.chat' }))).toEqual(['span name must be "chat gpt-4o", got "openai.chat"']);
      expect(checkGenAISpan(chatSpan({ 'gen_ai.request.model': undefined }, { name: 'chat undefined' }))).toEqual([
        'span name must be "chat", got "chat undefined"',
      ]);
    });
  });

  describe('enum values', () => {
    it('rejects an operation name outside the well-known list', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.operation.name': 'completion' }, { name: 'completion gpt-4o' }))).toEqual([
        'gen_ai.operation.name "completion" is not one of: chat, text_completion, generate_content, embeddings, retrieval, execute_tool, create_agent, invoke_agent, invoke_workflow',
      ]);
    });

    it('rejects a provider name outside the well-known list (e.g. a legacy gen_ai.system value)', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.provider.name': 'az.ai.openai' }))).toEqual([
        'gen_ai.provider.name "az.ai.openai" is not one of: anthropic, aws.bedrock, azure.ai.inference, azure.ai.openai, cohere, deepseek, gcp.gemini, gcp.gen_ai, gcp.vertex_ai, groq, ibm.watsonx.ai, mistral_ai, openai, perplexity, x_ai',
      ]);
    });

    it('rejects gen_ai.output.type and openai.api.type values outside their enums', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.output.type': 'json_schema', 'openai.api.type': 'completions' }))).toEqual([
        'gen_ai.output.type "json_schema" is not one of: text, json, image, speech',
        'openai.api.type "completions" is not one of: chat_completions, responses',
      ]);
    });
  });

  describe('content JSON', () => {
    it('rejects content that is not valid JSON', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.input.messages': '[{"role":"user","parts":[' }))).toEqual([
        'gen_ai.input.messages is not valid JSON',
      ]);
    });

    it('rejects messages of the wrong shape', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.input.messages': JSON.stringify({ role: 'user', parts: [] }) }))).toEqual([
        'gen_ai.input.messages must be an array of messages, got {"role":"user","parts":[]}',
      ]);
      expect(
        checkGenAISpan(chatSpan({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: 'hi' }, { parts: [], name: 3 }, 'hi']) })),
      ).toEqual([
        'gen_ai.input.messages[0] is missing required field "parts"',
        'gen_ai.input.messages[1] is missing required field "role"',
        'gen_ai.input.messages[1].name must be a string if present, got 3',
        'gen_ai.input.messages[2] must be an object, got "hi"',
      ]);
      expect(checkGenAISpan(chatSpan({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: 'hi' }]) }))).toEqual([
        'gen_ai.input.messages[0].parts must be an array of parts, got "hi"',
      ]);
    });

    it('requires finish_reason on output messages', () => {
      const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'x' }] }];
      expect(checkGenAISpan(chatSpan({ 'gen_ai.output.messages': JSON.stringify(output), 'gen_ai.response.finish_reasons': undefined }))).toEqual([
        'gen_ai.output.messages[0] is missing required field "finish_reason"',
      ]);
    });

    it('requires system instructions to be a bare parts array', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.system_instructions': JSON.stringify([{ role: 'system', parts: SYSTEM_INSTRUCTIONS }]) }))).toEqual([
        'gen_ai.system_instructions[0].type must be a string, got undefined',
      ]);
      expect(checkGenAISpan(chatSpan({ 'gen_ai.system_instructions': JSON.stringify('Be brief.') }))).toEqual([
        'gen_ai.system_instructions must be an array of parts, got "Be brief."',
      ]);
    });

    it('requires tool definitions to be [{type, name, ...}]', () => {
      const tools = [{ type: 'function', function: { name: 'get_weather' } }, { name: 'x', description: 5 }];
      expect(checkGenAISpan(chatSpan({ 'gen_ai.tool.definitions': JSON.stringify(tools) }))).toEqual([
        'gen_ai.tool.definitions[0] is missing required field "name"',
        'gen_ai.tool.definitions[1] is missing required field "type"',
        'gen_ai.tool.definitions[1].description must be a string if present, got 5',
      ]);
    });

    it('rejects tool_call_response with "result" instead of "response"', () => {
      expect(checkGenAISpan(chatSpan(withInputParts({ type: 'tool_call_response', id: 'call_1', result: 'rainy' })))).toEqual([
        'gen_ai.input.messages[0].parts[0] (tool_call_response) is missing required field "response" (it has "result"; the schema field is "response")',
      ]);
    });

    it('accepts any JSON as a tool_call_response response, null included', () => {
      expect(checkGenAISpan(chatSpan(withInputParts({ type: 'tool_call_response', response: null }, { type: 'tool_call_response', response: { a: [1] } })))).toEqual([]);
    });

    it('rejects a data: URL in a uri part', () => {
      expect(checkGenAISpan(chatSpan(withInputParts({ type: 'uri', modality: 'image', uri: 'data:image/png;base64,iVBORw0KGgo=' })))).toEqual([
        'gen_ai.input.messages[0].parts[0] (uri).uri must not be a data: URL (use a blob part)',
      ]);
    });

    it('checks the required fields of every known part type', () => {
      const parts = [
        { type: 'text', text: 'hi' },
        { type: 'text', content: 42 },
        { type: 'reasoning' },
        { type: 'tool_call', id: 1, arguments: {} },
        { type: 'server_tool_call', name: 'web_search', server_tool_call: {} },
        { type: 'server_tool_call_response', server_tool_call_response: 'ok' },
        { type: 'blob', mime_type: 'image/png', content: 'not base64!' },
        { type: 'uri', modality: 'image' },
        { type: 'file', modality: 'image', file_id: null },
        { content: 'no type' },
      ];
      const p = 'gen_ai.input.messages[0].parts';
      expect(checkGenAISpan(chatSpan(withInputParts(...parts)))).toEqual([
        `${p}[0] (text) is missing required field "content"`,
        `${p}[1] (text).content must be a string, got 42`,
        `${p}[2] (reasoning) is missing required field "content"`,
        `${p}[3] (tool_call) is missing required field "name"`,
        `${p}[3] (tool_call).id must be a string if present, got 1`,
        `${p}[4] (server_tool_call).server_tool_call.type must be a string, got undefined`,
        `${p}[5] (server_tool_call_response).server_tool_call_response must be an object with a string "type", got "ok"`,
        `${p}[6] (blob) is missing required field "modality"`,
        `${p}[6] (blob).content must be base64`,
        `${p}[7] (uri) is missing required field "uri"`,
        `${p}[8] (file).file_id must be a string, got null`,
        `${p}[9].type must be a string, got undefined`,
      ]);
    });

    it('accepts generic parts of any other type with free-form fields', () => {
      expect(checkGenAISpan(chatSpan(withInputParts({ type: 'compaction', id: 'c1', content: { x: 1 } })))).toEqual([]);
    });
  });

  describe('finish reasons vs output messages', () => {
    it('rejects a count mismatch', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.response.finish_reasons': ['stop'] }))).toEqual([
        'gen_ai.response.finish_reasons has 1 entries but gen_ai.output.messages has 2 messages',
      ]);
    });

    it('rejects reasons that differ from the messages, in order', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.response.finish_reasons': ['tool_call', 'stop'] }))).toEqual([
        'gen_ai.response.finish_reasons[0] is "tool_call" but gen_ai.output.messages[0].finish_reason is "stop"',
        'gen_ai.response.finish_reasons[1] is "stop" but gen_ai.output.messages[1].finish_reason is "tool_call"',
      ]);
    });
  });

  describe('embeddings', () => {
    const base: Attributes = {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
    };

    it('rejects content attributes and output tokens', () => {
      const span = makeSpan({
        ...base,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
        'gen_ai.usage.output_tokens': 0,
      });
      expect(checkGenAISpan(span)).toEqual([
        'gen_ai.input.messages must not be set on embeddings',
        'gen_ai.usage.output_tokens must not be set on embeddings',
      ]);
    });

    it('applies the CLIENT kind and name rules', () => {
      expect(checkGenAISpan(makeSpan(base, { kind: SpanKind.INTERNAL, name: 'embeddings' }))).toEqual([
        'span kind must be CLIENT for embeddings, got INTERNAL',
        'span name must be "embeddings text-embedding-3-small", got "embeddings"',
      ]);
    });
  });

  describe('token and streaming invariants', () => {
    it('rejects cache and reasoning tokens that exceed their totals', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.usage.cache_read.input_tokens': 120, 'gen_ai.usage.reasoning.output_tokens': 21 }))).toEqual([
        'gen_ai.usage.cache_read.input_tokens (120) exceeds gen_ai.usage.input_tokens (100)',
        'gen_ai.usage.reasoning.output_tokens (21) exceeds gen_ai.usage.output_tokens (20)',
      ]);
    });

    it('rejects cache read + creation above input (Anthropic-style input that excludes cache)', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.cache_read.input_tokens': 25, 'gen_ai.usage.cache_creation.input_tokens': 10 }))).toEqual([
        'gen_ai.usage.cache_read.input_tokens + gen_ai.usage.cache_creation.input_tokens (35) exceeds gen_ai.usage.input_tokens (30)',
      ]);
    });

    it('rejects time to first chunk on a non-streaming call', () => {
      expect(checkGenAISpan(chatSpan({ 'gen_ai.request.stream': undefined }))).toEqual([
        'gen_ai.response.time_to_first_chunk is set but gen_ai.request.stream is not (time to first chunk is for streaming calls)',
      ]);
    });
  });
});

describe('checkDetailsEvent', () => {
  const span = chatSpan({ 'gen_ai.system_instructions': undefined });
  const { traceId, spanId } = span.spanContext();

  /** The details event for `span`: its attributes with content in structured form. */
  function event(patch: Record<string, unknown> = {}, extra: Partial<LogRecordLike> = {}): LogRecordLike {
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(span.attributes)) {
      attributes[k] = k === 'gen_ai.input.messages' || k === 'gen_ai.output.messages' || k === 'gen_ai.tool.definitions' ? JSON.parse(v as string) : v;
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete attributes[k];
      else attributes[k] = v;
    }
    return { eventName: DETAILS_EVENT_NAME, attributes, spanContext: span.spanContext(), severityNumber: 9, ...extra };
  }

  it('accepts a valid event that matches its span', () => {
    expect(checkDetailsEvent(event(), [span])).toEqual([]);
  });

  it('accepts content that only the event carries (EVENT_ONLY)', () => {
    expect(checkDetailsEvent(event({ 'gen_ai.system_instructions': SYSTEM_INSTRUCTIONS }), [span])).toEqual([]);
  });

  it('requires the exact event name', () => {
    expect(checkDetailsEvent(event({}, { eventName: 'gen_ai.client.inference.operation.detail' }), [span])).toEqual([
      'event name must be "gen_ai.client.inference.operation.details", got "gen_ai.client.inference.operation.detail"',
    ]);
  });

  it('requires operation and provider', () => {
    expect(checkDetailsEvent(event({ 'gen_ai.operation.name': undefined, 'gen_ai.provider.name': undefined }))).toEqual([
      'missing required attribute gen_ai.operation.name',
      'missing required attribute gen_ai.provider.name',
    ]);
  });

  it('requires structured content, not JSON strings', () => {
    expect(checkDetailsEvent(event({ 'gen_ai.input.messages': span.attributes['gen_ai.input.messages'] }))).toEqual([
      'gen_ai.input.messages must be a structured value on the details event, not a string',
    ]);
  });

  it('checks structured content against the same shapes', () => {
    const bad = [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', result: 'rainy' }] }];
    expect(checkDetailsEvent(event({ 'gen_ai.input.messages': bad }))).toEqual([
      'gen_ai.input.messages[0].parts[0] (tool_call_response) is missing required field "response" (it has "result"; the schema field is "response")',
    ]);
    expect(checkDetailsEvent(event({ 'gen_ai.response.finish_reasons': ['stop', 'length'] }))).toEqual([
      'gen_ai.response.finish_reasons[1] is "length" but gen_ai.output.messages[1].finish_reason is "tool_call"',
    ]);
  });

  it('applies the attribute name and type rules', () => {
    expect(checkDetailsEvent(event({ 'gen_ai.system': 'openai', 'gen_ai.usage.input_tokens': 1.5 }))).toEqual([
      'gen_ai.usage.input_tokens must be a non-negative integer, got 1.5',
      'attribute gen_ai.system is deprecated: use gen_ai.provider.name',
    ]);
  });

  it('requires a span context that matches a span', () => {
    expect(checkDetailsEvent(event({}, { spanContext: undefined }), [span])).toEqual(['details event has no span context']);
    const other = { traceId, spanId: 'abcdefabcdefabcd', traceFlags: 1 };
    expect(checkDetailsEvent(event({}, { spanContext: other }), [span])).toEqual([
      `details event's span context (trace ${traceId}, span abcdefabcdefabcd) matches no span`,
    ]);
  });

  it('requires the same attributes as its span', () => {
    expect(checkDetailsEvent(event({ 'gen_ai.response.model': 'gpt-4o', 'gen_ai.request.seed': undefined }), [span])).toEqual([
      'attribute gen_ai.request.seed is on the span but not on the details event',
      'attribute gen_ai.response.model differs: span "gpt-4o-2024-08-06", details event "gpt-4o"',
    ]);
    const changed = [{ role: 'user', parts: [{ type: 'text', content: 'something else' }] }];
    expect(checkDetailsEvent(event({ 'gen_ai.input.messages': changed }), [span])).toEqual([
      'gen_ai.input.messages differs between the span and the details event',
    ]);
  });

  it('rejects a details event for embeddings (the event extends the inference attributes only)', () => {
    const attributes = { 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai' };
    expect(checkDetailsEvent({ eventName: DETAILS_EVENT_NAME, attributes, spanContext: span.spanContext() })).toEqual([
      'the details event describes inference operations, not embeddings',
    ]);
  });
});

describe('checkGenAILogRecord', () => {
  const spanContext = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 };

  it('routes deprecated and unknown GenAI events, and ignores unrelated records', () => {
    expect(checkGenAILogRecord({ eventName: 'gen_ai.choice', attributes: {} })).toEqual([
      'event gen_ai.choice is deprecated: use gen_ai.client.inference.operation.details',
    ]);
    expect(checkGenAILogRecord({ eventName: 'gen_ai.client.inference.details', attributes: {} })).toEqual([
      'unknown GenAI event gen_ai.client.inference.details',
    ]);
    expect(checkGenAILogRecord({ eventName: 'app.log', attributes: { 'gen_ai.system': 'openai' } })).toEqual([
      'log record "app.log" carries GenAI attributes but is not a GenAI event',
    ]);
    expect(checkGenAILogRecord({ eventName: 'app.log', attributes: { user: 'x' } })).toEqual([]);
  });

  it('checks the exception event', () => {
    expect(checkExceptionEvent({ eventName: 'gen_ai.client.operation.exception', attributes: { 'exception.type': 'RateLimitError', 'gen_ai.operation.name': 'chat' }, severityNumber: 13, spanContext })).toEqual([]);
    expect(checkExceptionEvent({ eventName: 'gen_ai.client.operation.exception', attributes: { 'gen_ai.input.messages': [] }, severityNumber: 9 })).toEqual([
      'exception event needs exception.type or exception.message',
      'exception event severity must be WARN (13), got 9',
      'unexpected attribute gen_ai.input.messages on the exception event',
    ]);
  });
});

describe('ConformanceCollector (the wiring used by test/helpers/telemetry.ts)', () => {
  function pipeline() {
    const collector = new ConformanceCollector();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [collector.spanProcessor] });
    const loggerProvider = new LoggerProvider({ processors: [collector.logRecordProcessor] });
    return { collector, tracer: tracerProvider.getTracer('t'), logger: loggerProvider.getLogger('t') };
  }

  it('throws once per new violation from assertNoNewViolations, and always from assertNone', () => {
    const { collector, tracer } = pipeline();
    tracer.startSpan('plain http span', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST' } }).end();
    collector.assertNoNewViolations();

    const bad = tracer.startSpan('chat m', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'm' } });
    bad.end();
    const id = bad.spanContext().spanId;
    const expected = [
      'GenAI semantic-convention violations (3):',
      `  - span "chat m" (${id}): attribute gen_ai.system is deprecated: use gen_ai.provider.name`,
      `  - span "chat m" (${id}): missing required attribute gen_ai.operation.name`,
      `  - span "chat m" (${id}): missing required attribute gen_ai.provider.name`,
    ].join('\n');
    expect(() => collector.assertNoNewViolations()).toThrow(expected);
    expect(() => collector.assertNoNewViolations()).not.toThrow();
    expect(() => collector.assertNone()).toThrow(expected);
  });

  it('checks a details event once its span has ended, against that span', () => {
    const { collector, tracer, logger } = pipeline();
    const span = tracer.startSpan('chat m', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm' },
    });
    logger.emit({
      eventName: DETAILS_EVENT_NAME,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'other' },
      context: trace.setSpan(context.active(), span),
    });
    collector.assertNoNewViolations(); // the span is still open: the event waits
    span.end();
    expect(() => collector.assertNoNewViolations()).toThrow(
      'log record "gen_ai.client.inference.operation.details": attribute gen_ai.request.model differs: span "m", details event "other"',
    );
  });

  it('checks a details event whose span never ended at assertNone', () => {
    const { collector, logger } = pipeline();
    logger.emit({
      eventName: DETAILS_EVENT_NAME,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
      context: trace.setSpanContext(context.active(), { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
    });
    collector.assertNoNewViolations();
    expect(() => collector.assertNone()).toThrow(
      `log record "gen_ai.client.inference.operation.details": details event's span context (trace ${'a'.repeat(32)}, span ${'b'.repeat(16)}) matches no span`,
    );
  });
});
