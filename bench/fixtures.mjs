/*
 * The canned requests and responses of the overhead benchmark, shared by the in-memory responder and the
 * loopback server (bench/loopback-server.mjs). Shapes follow what api.openai.com returns today, with
 * realistic (small) sizes: the cost we measure grows with message size, so don't shrink them further.
 */

export const CHAT_MODEL = 'gpt-4o-mini';
export const EMBEDDINGS_MODEL = 'text-embedding-3-small';
export const EMBEDDING_DIMENSIONS = 1536;

export const MESSAGES = [
  { role: 'system', content: 'You are a concise travel assistant. Answer in two sentences at most.' },
  { role: 'user', content: 'What is the capital of France, and what is it best known for?' },
];

/**
 * Each call's question and answer are new strings, numbered ` (#n)`, while the system prompt repeats, as in
 * an app: an instrumentation that remembers what it made of recent strings (this package's redaction does)
 * is measured as it would run there, not on a question and an answer it has seen before.
 */
export const numbered = (text, n) => `${text} (#${n})`;
let questions = 0;
const messages = () => [MESSAGES[0], { role: 'user', content: numbered(MESSAGES[1].content, ++questions) }];

/** (a) chat.completions.create, not streamed. */
export const chatParams = () => ({
  model: CHAT_MODEL,
  messages: messages(),
  temperature: 0.2,
  max_completion_tokens: 256,
});

/** (b) the same call, streamed, with the final usage chunk. */
export const streamParams = () => ({
  model: CHAT_MODEL,
  messages: messages(),
  temperature: 0.2,
  max_completion_tokens: 256,
  stream: true,
  stream_options: { include_usage: true },
});

/** (c) embeddings.create of one short input, default (base64) encoding as the SDK sends it. */
export const embeddingsParams = () => ({
  model: EMBEDDINGS_MODEL,
  input: 'The quick brown fox jumps over the lazy dog.',
});

const ANSWER = 'Paris is the capital of France. It is best known for the Eiffel Tower, the Louvre and its café culture.';

const USAGE = {
  prompt_tokens: 38,
  completion_tokens: 25,
  total_tokens: 63,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

export const chatResponse = {
  id: 'chatcmpl-BENCH0000000000000000000001',
  object: 'chat.completion',
  created: 1750000000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: ANSWER, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: USAGE,
  service_tier: 'default',
  system_fingerprint: 'fp_bench0001',
};

/** The text pieces of the 8 content chunks between the role chunk and the finish chunk. */
const PIECES = ['Paris is', ' the capital', ' of France.', ' It is best', ' known for the', ' Eiffel Tower,', ' the Louvre and', ' its café culture.'];

const chunkBase = {
  id: 'chatcmpl-BENCH0000000000000000000002',
  object: 'chat.completion.chunk',
  created: 1750000000,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_bench0001',
};

/** 10 chunks with a choice (role, 8 content pieces, finish) and then the usage chunk: 11 SSE events. */
export const streamChunks = [
  { ...chunkBase, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null },
  ...PIECES.map((content) => ({ ...chunkBase, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }], usage: null })),
  { ...chunkBase, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null },
  { ...chunkBase, choices: [], usage: USAGE },
];
export const STREAM_CHOICE_CHUNKS = 10;
export const STREAM_TEXT = PIECES.join('');

/** Each SSE event as its own bytes, then the terminator. */
export const streamEvents = [...streamChunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'].map((s) =>
  new TextEncoder().encode(s),
);

/** The index in streamEvents of the last content piece, which numberedStreamEvents numbers. */
const LAST_PIECE_EVENT = PIECES.length;
const encoder = new TextEncoder();

/** streamEvents with the answer numbered (its last piece ends with ` (#n)`): one event encoded per call. */
export function numberedStreamEvents(n) {
  const chunk = streamChunks[LAST_PIECE_EVENT];
  const piece = { ...chunk, choices: [{ ...chunk.choices[0], delta: { content: numbered(PIECES[PIECES.length - 1], n) } }] };
  const events = streamEvents.slice();
  events[LAST_PIECE_EVENT] = encoder.encode(`data: ${JSON.stringify(piece)}\n\n`);
  return events;
}

function embeddingBase64() {
  const v = new Float32Array(EMBEDDING_DIMENSIONS);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37) * 0.05;
  return Buffer.from(v.buffer).toString('base64');
}

export const embeddingsResponse = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: embeddingBase64() }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 10, total_tokens: 10 },
};

export const chatBody = JSON.stringify(chatResponse);

const [CHAT_BODY_HEAD, CHAT_BODY_TAIL] = chatBody.split(JSON.stringify(ANSWER));
/** chatBody with the answer numbered (` (#n)` at its end). */
export const numberedChatBody = (n) => `${CHAT_BODY_HEAD}${JSON.stringify(numbered(ANSWER, n))}${CHAT_BODY_TAIL}`;
export const embeddingsBody = JSON.stringify(embeddingsResponse);
