/*
 * The canned requests and responses of the per-provider benchmark (bench/providers.mjs), shared by the
 * benchmark (request params, what a result must contain) and its loopback server (bench/provider-server.mjs,
 * the wire bodies). Same sizes as bench/fixtures.mjs: its system prompt and user question, its ~100-char
 * answer; streams are that answer in 10 text chunks, plus the provider's usage. Wire formats follow the
 * test mock servers (test/mock-servers/{anthropic,gemini,bedrock,openai}-server.ts; groq: test/fixtures/groq.ts).
 */
import { MESSAGES, chatResponse } from './fixtures.mjs';

const [SYSTEM_MESSAGE, USER_MESSAGE] = MESSAGES;
export const SYSTEM = SYSTEM_MESSAGE.content;
export const QUESTION = USER_MESSAGE.content;
export const ANSWER = chatResponse.choices[0].message.content;

/** The answer in 10 text chunks. */
export const PIECES = ['Paris is', ' the capital', ' of France.', ' It is', ' best known', ' for the', ' Eiffel Tower,', ' the Louvre', ' and its', ' café culture.'];
export const TEXT_CHUNKS = PIECES.length;
if (PIECES.join('') !== ANSWER || TEXT_CHUNKS !== 10) throw new Error('provider-fixtures: the pieces must be the answer, in 10 chunks');

const INPUT_TOKENS = 38;
const OUTPUT_TOKENS = 25;

// ------------------------------------------------------------------------------------------- anthropic

// Not claude-sonnet-4-5: @anthropic-ai/sdk 1.x lists it as deprecated and console.warn()s on every call,
// which would dominate both arms' CPU.
export const ANTHROPIC_MODEL = 'claude-sonnet-4-6';
const ANTHROPIC_RESPONSE_MODEL = 'claude-sonnet-4-6';

export const anthropicParams = () => ({
  model: ANTHROPIC_MODEL,
  max_tokens: 256,
  system: SYSTEM,
  messages: [{ role: 'user', content: QUESTION }],
});
export const anthropicStreamParams = () => ({ ...anthropicParams(), stream: true });

const anthropicUsage = (output) => ({
  input_tokens: INPUT_TOKENS,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  output_tokens: output,
  service_tier: 'standard',
});

export const anthropicMessage = {
  id: 'msg_01BENCH00000000000000001',
  type: 'message',
  role: 'assistant',
  model: ANTHROPIC_RESPONSE_MODEL,
  content: [{ type: 'text', text: ANSWER }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: anthropicUsage(OUTPUT_TOKENS),
};

/** As the API streams it: message_start, content_block_start, ping, 10 text deltas, stop, message_delta (usage), message_stop. */
export const anthropicStreamEvents = [
  {
    type: 'message_start',
    message: { ...anthropicMessage, id: 'msg_01BENCH00000000000000002', content: [], stop_reason: null, usage: anthropicUsage(1) },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  ...PIECES.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
  { type: 'content_block_stop', index: 0 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: INPUT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: OUTPUT_TOKENS },
  },
  { type: 'message_stop' },
];
/** What the SDK's stream yields: every event but the ping. */
export const ANTHROPIC_STREAM_EVENTS = anthropicStreamEvents.length - 1;

// ---------------------------------------------------------------------------------------- google-genai

export const GEMINI_MODEL = 'gemini-2.5-flash';

export const geminiParams = () => ({
  model: GEMINI_MODEL,
  contents: QUESTION,
  config: { systemInstruction: SYSTEM, temperature: 0.2 },
});

const geminiUsage = {
  promptTokenCount: INPUT_TOKENS,
  candidatesTokenCount: OUTPUT_TOKENS,
  totalTokenCount: INPUT_TOKENS + OUTPUT_TOKENS,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: INPUT_TOKENS }],
};

export const geminiResponse = {
  candidates: [{ content: { role: 'model', parts: [{ text: ANSWER }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: geminiUsage,
  modelVersion: GEMINI_MODEL,
  responseId: 'BENCHresp000000000000001',
};

/** 10 chunks of one text each; the last carries the finish reason and the usage. */
export const geminiStreamChunks = PIECES.map((text, i) => {
  const last = i === PIECES.length - 1;
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    ...(last ? { usageMetadata: geminiUsage } : {}),
    modelVersion: GEMINI_MODEL,
    responseId: 'BENCHresp000000000000002',
  };
});
export const GEMINI_STREAM_CHUNKS = geminiStreamChunks.length;

// --------------------------------------------------------------------------------------------- bedrock

export const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const bedrockParams = () => ({
  modelId: BEDROCK_MODEL,
  system: [{ text: SYSTEM }],
  messages: [{ role: 'user', content: [{ text: QUESTION }] }],
  inferenceConfig: { maxTokens: 256, temperature: 0.2 },
});
export const bedrockConverseInput = bedrockParams;
export const bedrockConverseStreamInput = bedrockParams;

const bedrockUsage = { inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, totalTokens: INPUT_TOKENS + OUTPUT_TOKENS };

export const bedrockConverseResponse = {
  output: { message: { role: 'assistant', content: [{ text: ANSWER }] } },
  stopReason: 'end_turn',
  usage: bedrockUsage,
  metrics: { latencyMs: 812 },
};

/** ConverseStream events (`:event-type` and payload): start, 10 text deltas, stops, metadata (usage). */
export const bedrockStreamEvents = [
  ['messageStart', { role: 'assistant' }],
  ...PIECES.map((text) => ['contentBlockDelta', { contentBlockIndex: 0, delta: { text } }]),
  ['contentBlockStop', { contentBlockIndex: 0 }],
  ['messageStop', { stopReason: 'end_turn' }],
  ['metadata', { usage: bedrockUsage, metrics: { latencyMs: 640 } }],
];
/** What the SDK's stream yields: one object per event. */
export const BEDROCK_STREAM_EVENTS = bedrockStreamEvents.length;

// ------------------------------------------------------------------------------------------------ groq

// groq-sdk speaks Chat Completions under /openai/v1: OpenAI's shapes plus Groq's own fields, as in
// test/fixtures/groq.ts (`x_groq` with the request id; timing fields in `usage`; a stream's usage only in
// `x_groq.usage` of its final chunk, there is no `stream_options`).
export const GROQ_MODEL = 'llama-3.3-70b-versatile';

export const groqParams = () => ({
  model: GROQ_MODEL,
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: QUESTION },
  ],
  temperature: 0.2,
  max_completion_tokens: 256,
});
export const groqStreamParams = () => ({ ...groqParams(), stream: true });

const groqUsage = {
  queue_time: 0.0421,
  prompt_tokens: INPUT_TOKENS,
  prompt_time: 0.0023,
  completion_tokens: OUTPUT_TOKENS,
  completion_time: 0.0117,
  total_tokens: INPUT_TOKENS + OUTPUT_TOKENS,
  total_time: 0.014,
};

export const groqChatCompletion = {
  id: 'chatcmpl-groq-bench-1',
  object: 'chat.completion',
  created: 1764000000,
  model: GROQ_MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, logprobs: null, finish_reason: 'stop' }],
  usage: groqUsage,
  usage_breakdown: null,
  system_fingerprint: 'fp_groq_bench',
  x_groq: { id: 'req_01groqbench' },
  service_tier: 'on_demand',
};

const groqChunk = (delta, extra = {}) => ({
  id: 'chatcmpl-groq-bench-2',
  object: 'chat.completion.chunk',
  created: 1764000000,
  model: GROQ_MODEL,
  system_fingerprint: 'fp_groq_bench',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: extra.finish_reason ?? null }],
  ...(extra.x_groq ? { x_groq: extra.x_groq } : {}),
});

/** The role chunk (with `x_groq.id`), 10 text chunks, the final chunk (finish reason, `x_groq.usage`). */
export const groqStreamChunks = [
  groqChunk({ role: 'assistant', content: '' }, { x_groq: { id: 'req_01groqbenchstream' } }),
  ...PIECES.map((content) => groqChunk({ content })),
  groqChunk({}, { finish_reason: 'stop', x_groq: { id: 'req_01groqbenchstream', usage: groqUsage } }),
];
/** What the SDK's stream yields: every chunk (the `[DONE]` terminator is not one). */
export const GROQ_STREAM_CHUNKS = groqStreamChunks.length;
