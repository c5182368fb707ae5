/*
 * The loopback transport of the per-provider benchmark (bench/providers.mjs `--transport loopback`), run
 * as a child process so that its CPU is not in the benchmark process's process.cpuUsage(). Routes each
 * request to its provider and workload and replies with the bytes of bench/provider-wire.mjs:
 *
 *   HTTP/1.1  POST /v1/messages                                      Anthropic (stream when the body says "stream":true)
 *             POST /{version}/models/{model}:generateContent          Gemini
 *             POST /{version}/models/{model}:streamGenerateContent?alt=sse   Gemini stream
 *             POST /openai/v1/chat/completions                        Groq (stream when the body says "stream":true)
 *   HTTP/2    POST /model/{modelId}/converse                          Bedrock
 *   (h2c)     POST /model/{modelId}/converse-stream                   Bedrock stream
 *
 * Bedrock is cleartext HTTP/2 because the Bedrock Runtime client's default request handler is its HTTP/2
 * handler. Streams are written one event per write. Prints `listening http=<port> h2=<port>` on stdout;
 * exits when its stdin closes.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import { WIRE } from './provider-wire.mjs';

const GEMINI_PATH = /^\/[^/]+\/models\/[^/:]+:(generateContent|streamGenerateContent)$/;
const BEDROCK_PATH = /^\/model\/[^/]+\/(converse|converse-stream)$/;

let served = 0;

/** Sends WIRE[provider][workload]. */
function reply(res, provider, workload) {
  const { headers, parts } = WIRE[provider][workload];
  res.writeHead(200, headers(served));
  for (const part of parts) res.write(part);
  res.end();
}

/** The provider and workload of an HTTP/1.1 request, or undefined. */
function routeHttp(method, path, body) {
  if (method !== 'POST') return undefined;
  const workloadOfBody = () => (body.includes('"stream":true') ? 'stream' : 'chat');
  if (path === '/v1/messages') return ['anthropic', workloadOfBody()];
  if (path === '/openai/v1/chat/completions') return ['groq', workloadOfBody()];
  const gemini = GEMINI_PATH.exec(path);
  if (gemini) return ['google-genai', gemini[1] === 'streamGenerateContent' ? 'stream' : 'chat'];
  return undefined;
}

const http = createHttpServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    served++;
    const [path] = (req.url ?? '').split('?');
    const route = routeHttp(req.method, path, Buffer.concat(parts).toString('utf8'));
    if (route) return reply(res, ...route);
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
    if (match) return reply(res, 'bedrock', match[1] === 'converse-stream' ? 'stream' : 'chat');
    res.writeHead(404, {
      'content-type': 'application/json',
      'x-amzn-requestid': `bench-${served}`,
      'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    });
    res.end(JSON.stringify({ message: `bench: no route for ${req.method} ${req.url}` }));
  });
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [httpPort, h2Port] = await Promise.all([listen(http), listen(h2)]);
process.stdout.write(`listening http=${httpPort} h2=${h2Port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
