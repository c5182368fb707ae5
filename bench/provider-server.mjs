/*
 * The loopback stand-in of the per-provider benchmark (bench/providers.mjs), run as a child process so
 * that its CPU is not in the benchmark process's process.cpuUsage(). Replies with the canned bodies of
 * bench/provider-fixtures.mjs, in each API's wire format (as test/mock-servers/ does):
 *
 *   HTTP/1.1  POST /v1/messages                                      Anthropic: JSON, or SSE with `event:`
 *                                                                    lines when the body says "stream":true
 *             POST /{version}/models/{model}:generateContent          Gemini: JSON
 *             POST /{version}/models/{model}:streamGenerateContent?alt=sse   Gemini: `data:` events, CRLF-separated
 *             POST /openai/v1/chat/completions                        Groq (Chat Completions): JSON, or SSE
 *                                                                    `data:` events and `data: [DONE]`
 *   HTTP/2    POST /model/{modelId}/converse                          Bedrock: JSON
 *   (h2c)     POST /model/{modelId}/converse-stream                   Bedrock: AWS event stream (binary frames
 *                                                                    encoded with @smithy/eventstream-codec)
 *
 * Bedrock is cleartext HTTP/2 because the Bedrock Runtime client's default request handler is its HTTP/2
 * handler. Streams are written one event per write. Bodies are encoded once, at start-up. Prints
 * `listening http=<port> h2=<port>` on stdout; exits when its stdin closes.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
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

const anthropicJson = utf8(JSON.stringify(anthropicMessage));
const anthropicSse = anthropicStreamEvents.map((e) => utf8(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
const geminiJson = utf8(JSON.stringify(geminiResponse));
const geminiSse = geminiStreamChunks.map((c) => utf8(`data: ${JSON.stringify(c)}\r\n\r\n`));
const groqJson = utf8(JSON.stringify(groqChatCompletion));
const groqSse = [...groqStreamChunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'].map(utf8);
const bedrockJson = utf8(JSON.stringify(bedrockConverseResponse));
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value) => ({ type: 'string', value });
const bedrockFrames = bedrockStreamEvents.map(([type, payload]) =>
  Buffer.from(
    codec.encode({
      headers: { ':message-type': str('event'), ':event-type': str(type), ':content-type': str('application/json') },
      body: fromUtf8(JSON.stringify(payload)),
    }),
  ),
);

const GEMINI_PATH = /^\/[^/]+\/models\/[^/:]+:(generateContent|streamGenerateContent)$/;
const BEDROCK_PATH = /^\/model\/[^/]+\/(converse|converse-stream)$/;

let served = 0;

const http = createHttpServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    served++;
    const [path] = (req.url ?? '').split('?');
    if (req.method === 'POST' && path === '/v1/messages') {
      const body = Buffer.concat(parts).toString('utf8');
      const headers = { 'request-id': `req_bench${served}`, 'anthropic-organization-id': 'bench-org' };
      if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
        for (const event of anthropicSse) res.write(event);
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(anthropicJson);
      }
      return;
    }
    if (req.method === 'POST' && path === '/openai/v1/chat/completions') {
      const headers = { 'x-request-id': `req_bench${served}` };
      if (Buffer.concat(parts).toString('utf8').includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
        for (const event of groqSse) res.write(event);
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(groqJson);
      }
      return;
    }
    const gemini = req.method === 'POST' && GEMINI_PATH.exec(path);
    if (gemini && gemini[1] === 'streamGenerateContent') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of geminiSse) res.write(event);
      res.end();
      return;
    }
    if (gemini) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(geminiJson);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 404, message: `bench: no route for ${req.method} ${req.url}`, status: 'NOT_FOUND' } }));
  });
});
http.keepAliveTimeout = 120_000;

const h2 = createH2Server((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    served++;
    const match = req.method === 'POST' && BEDROCK_PATH.exec((req.url ?? '').split('?')[0]);
    const requestId = `bench-${served}`;
    if (match && match[1] === 'converse-stream') {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
      for (const frame of bedrockFrames) res.write(frame);
      res.end();
    } else if (match) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
      res.end(bedrockJson);
    } else {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      });
      res.end(JSON.stringify({ message: `bench: no route for ${req.method} ${req.url}` }));
    }
  });
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [httpPort, h2Port] = await Promise.all([listen(http), listen(h2)]);
process.stdout.write(`listening http=${httpPort} h2=${h2Port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
