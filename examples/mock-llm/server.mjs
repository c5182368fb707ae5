// A tiny mock LLM that speaks the OpenAI Chat Completions wire format on loopback, so the examples run
// without an API key, offline, and give the same answers every time. node:http only, no dependencies.
//
//   import { startMockLLM } from './server.mjs';
//   const mock = await startMockLLM();          // { baseURL, port, requests, close() }
//   new OpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL });
//
// Run on its own: `npx node examples/mock-llm/server.mjs` (port from MOCK_LLM_PORT, default: any free port).
//
// What it answers (deterministically):
// - a tool call to `lookup_order` when the request offers that tool, the last user message mentions an
//   order number like `#A1234`, and no tool result follows that message yet;
// - after a tool result: a summary of the order from the tool's JSON;
// - a question about an opened item: the right answer (15% restocking fee) only when the system prompt
//   mentions the restocking fee; otherwise it wrongly promises a full refund (the support-assistant
//   scenario's "bad answer");
// - otherwise: the first policy excerpt of the system prompt, or a canned answer.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Requested model -> the dated snapshot OpenAI reports back in `model`. Unknown models are echoed as is.
const SNAPSHOTS = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
};
const SYSTEM_FINGERPRINT = 'fp_mock7e2d4c';
const ORDER_NUMBER = /#([A-Z]\d{3,})\b/i;

/**
 * Starts the mock on `host:port` (port 0: any free port).
 * `chunkDelayMs` spaces out streamed chunks, so time-to-first-chunk and chunk gaps look like a real stream.
 */
export function startMockLLM({ port = 0, host = '127.0.0.1', chunkDelayMs = 10 } = {}) {
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    handle(req, res, state, chunkDelayMs).catch((error) => {
      if (!res.headersSent) sendError(res, 500, `Mock LLM failure: ${error.message}`, 'server_error');
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actualPort } = server.address();
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        baseURL: `http://${urlHost}:${actualPort}/v1`,
        port: actualPort,
        get requests() {
          return state.requests;
        },
        close() {
          return new Promise((done) => {
            server.close(() => done());
            // The SDK keeps connections alive; drop them so close() does not wait for their timeout.
            server.closeAllConnections();
          });
        },
      });
    });
  });
}

async function handle(req, res, state, chunkDelayMs) {
  const path = new URL(req.url, 'http://mock').pathname.replace(/\/+$/, '');
  if (req.method !== 'POST' || path !== '/v1/chat/completions') {
    return sendError(res, 404, `Unknown request URL: ${req.method} ${path}. Please check the URL.`, 'invalid_request_error', 'unknown_url');
  }
  state.requests++;

  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  }
  if (typeof body?.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
    return sendError(res, 400, "Missing required parameters: 'model' and a non-empty 'messages'.", 'invalid_request_error');
  }

  const reply = decide(body);
  const completion = {
    id: `chatcmpl-${randomId(29)}`,
    created: Math.floor(Date.now() / 1000),
    model: SNAPSHOTS[body.model] ?? body.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    usage: usage(body, reply),
  };
  res.setHeader('x-request-id', `req_${randomBytes(16).toString('hex')}`);
  if (body.stream === true) return stream(res, completion, reply, body.stream_options?.include_usage === true, chunkDelayMs);

  sendJson(res, 200, {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null, annotations: [], ...(reply.toolCalls && { tool_calls: reply.toolCalls }) },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: completion.usage,
    service_tier: 'default',
    system_fingerprint: completion.system_fingerprint,
  });
}

/** What the "model" says: `{ content, toolCalls?, finishReason }`. */
function decide({ messages, tools }) {
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  const question = lastUser >= 0 ? text(messages[lastUser].content) : '';
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content)).join('\n');
  const toolResult = messages.slice(lastUser + 1).findLast((m) => m.role === 'tool');

  const offersLookup = tools?.some((t) => t.type === 'function' && t.function?.name === 'lookup_order');
  const order = question.match(ORDER_NUMBER);
  if (offersLookup && order && !toolResult) {
    const call = { id: `call_${randomId(24)}`, type: 'function', function: { name: 'lookup_order', arguments: JSON.stringify({ order_id: order[1].toUpperCase() }) } };
    return { content: null, toolCalls: [call], finishReason: 'tool_calls' };
  }
  if (toolResult) return answer(describeOrder(text(toolResult.content)));

  if (/\b(opened|unboxed)\b/i.test(question)) {
    return answer(
      /restocking fee/i.test(system)
        ? 'Yes, you can return an opened item within 30 days of delivery, but a 15% restocking fee is deducted from the refund. Unopened items in their original packaging get a full refund.'
        : 'Yes! You can return it within 30 days of delivery for a full refund, no questions asked.',
    );
  }
  // The support assistant lists retrieved policy excerpts as "- [id] text" lines: quote the best one.
  const excerpt = system.match(/^- \[[^\]]+\] (.+)$/m);
  if (excerpt) return answer(`Thanks for reaching out! ${excerpt[1]}`);
  return answer(
    `This is the mock LLM answering "${question.slice(0, 80)}". A real model would reply here; the mock ` +
      'answers the same way every time, so you can compare the telemetry of one run with the next.',
  );
}

function answer(content) {
  return { content, finishReason: 'stop' };
}

function describeOrder(json) {
  let o;
  try {
    o = JSON.parse(json);
  } catch {
    return 'I looked up your order, but the order system returned something I could not read. Please try again later.';
  }
  if (!o || o.found === false || o.error) {
    return `I could not find order #${o?.order_id ?? '?'}. Could you double-check the order number?`;
  }
  let s = `Your order #${o.order_id}${o.item ? ` (${o.item})` : ''}`;
  if (o.delivered_on) s += ` was delivered on ${o.delivered_on}.`;
  else s += ` is ${o.status ?? 'on file'}${o.expected_on ? `, expected on ${o.expected_on}` : ''}.`;
  if (o.returnable_until) s += ` You can return it until ${o.returnable_until}.`;
  return s;
}

/** Deterministic token counts: about 4 characters per token, plus a few tokens of overhead per message. */
function usage({ messages, tools }, reply) {
  const promptChars = messages.reduce((n, m) => n + text(m.content).length + JSON.stringify(m.tool_calls ?? '').length, 0) + JSON.stringify(tools ?? '').length;
  const prompt_tokens = Math.ceil(promptChars / 4) + 3 * messages.length + 3;
  const completion_tokens = Math.max(1, Math.ceil(((reply.content ?? '').length + JSON.stringify(reply.toolCalls ?? '').length) / 4));
  return {
    prompt_tokens,
    completion_tokens,
    total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** Server-sent events, as the API streams them: role first, then deltas, the finish reason, usage, [DONE]. */
async function stream(res, completion, reply, includeUsage, chunkDelayMs) {
  // The client may stop reading early (a `break` in its loop aborts the request): stop writing then.
  let gone = false;
  res.on('close', () => (gone = true));
  res.on('error', () => (gone = true));
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (choices, extra = {}) => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    service_tier: 'default',
    system_fingerprint: completion.system_fingerprint,
    choices,
    ...(includeUsage && { usage: null }),
    ...extra,
  });
  const delta = (d, finishReason = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

  const events = [delta({ role: 'assistant', content: reply.toolCalls ? null : '', refusal: null })];
  if (reply.toolCalls) {
    reply.toolCalls.forEach((call, index) => {
      events.push(delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
      for (const piece of split(call.function.arguments, 8)) events.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
  } else {
    // One word (with its trailing space) per chunk.
    for (const word of reply.content.match(/\S+\s*/g) ?? []) events.push(delta({ content: word }));
  }
  events.push(delta({}, reply.finishReason));
  if (includeUsage) events.push(chunk([], { usage: completion.usage }));

  for (const event of events) {
    if (gone) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    if (chunkDelayMs > 0) await new Promise((r) => setTimeout(r, chunkDelayMs));
  }
  if (!gone) res.end('data: [DONE]\n\n');
}

function split(s, size) {
  const parts = [];
  for (let i = 0; i < s.length; i += size) parts.push(s.slice(i, i + size));
  return parts;
}

/** Message content as text: a string, or the text parts of a content array. */
function text(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : (p?.text ?? ''))).join('');
  return '';
}

function randomId(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, value) {
  const payload = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
function sendError(res, status, message, type, code = null) {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

// Run directly: listen until Ctrl-C.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mock = await startMockLLM({ port: Number(process.env.MOCK_LLM_PORT ?? 0) });
  console.log(`Mock LLM listening: ${mock.baseURL}`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
