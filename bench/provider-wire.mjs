/*
 * The responses of the per-provider benchmark (bench/providers.mjs) as they go over the wire: headers
 * and body bytes (all with status 200), per provider and workload, encoded once from the bodies of
 * bench/provider-fixtures.mjs in each API's wire format (as test/mock-servers/ does). Both transports
 * send these bytes: the loopback server (bench/provider-server.mjs) and the in-memory one
 * (bench/provider-inmemory.mjs).
 *
 *   anthropic     JSON, or SSE with `event:` lines
 *   google-genai  JSON, or `?alt=sse` `data:` events, CRLF-separated
 *   bedrock       Converse JSON, or the AWS binary event stream (frames encoded with @smithy/eventstream-codec)
 *   groq          Chat Completions JSON, or SSE `data:` events and `data: [DONE]`
 *
 * `parts` are the body's writes: one for JSON, one per event for streams. `headers(n)` are the response
 * headers of the n-th answer (request ids are numbered, as a server's would be).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  anthropicMessage,
  anthropicStreamEvents,
  bedrockConverseResponse,
  bedrockStreamEvents,
  geminiResponse,
  geminiStreamChunks,
  groqChatCompletion,
  groqStreamChunks,
} from './provider-fixtures.mjs';

const utf8 = (s) => Buffer.from(s, 'utf8');

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value) => ({ type: 'string', value });
/** One AWS event-stream message per ConverseStream event. */
const bedrockFrame = ([type, payload]) =>
  Buffer.from(
    codec.encode({
      headers: { ':message-type': str('event'), ':event-type': str(type), ':content-type': str('application/json') },
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );

const anthropicHeaders = (n) => ({ 'request-id': `req_bench${n}`, 'anthropic-organization-id': 'bench-org' });

/** WIRE[provider][workload] = { headers(n), parts }. */
export const WIRE = {
  anthropic: {
    chat: {
      headers: (n) => ({ 'content-type': 'application/json', ...anthropicHeaders(n) }),
      parts: [utf8(JSON.stringify(anthropicMessage))],
    },
    stream: {
      headers: (n) => ({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...anthropicHeaders(n) }),
      parts: anthropicStreamEvents.map((e) => utf8(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)),
    },
  },
  'google-genai': {
    chat: {
      headers: () => ({ 'content-type': 'application/json; charset=UTF-8' }),
      parts: [utf8(JSON.stringify(geminiResponse))],
    },
    stream: {
      headers: () => ({ 'content-type': 'text/event-stream' }),
      parts: geminiStreamChunks.map((c) => utf8(`data: ${JSON.stringify(c)}\r\n\r\n`)),
    },
  },
  bedrock: {
    chat: {
      headers: (n) => ({ 'content-type': 'application/json', 'x-amzn-requestid': `bench-${n}` }),
      parts: [utf8(JSON.stringify(bedrockConverseResponse))],
    },
    stream: {
      headers: (n) => ({ 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `bench-${n}` }),
      parts: bedrockStreamEvents.map(bedrockFrame),
    },
  },
  groq: {
    chat: {
      headers: (n) => ({ 'content-type': 'application/json', 'x-request-id': `req_bench${n}` }),
      parts: [utf8(JSON.stringify(groqChatCompletion))],
    },
    stream: {
      headers: (n) => ({ 'content-type': 'text/event-stream', 'x-request-id': `req_bench${n}` }),
      parts: [...groqStreamChunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'].map(utf8),
    },
  },
};
