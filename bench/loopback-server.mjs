/*
 * The loopback OpenAI stand-in of the overhead benchmark, run as a child process so that its CPU is not
 * in the benchmark process's process.cpuUsage(). Replies with the canned bodies of bench/fixtures.mjs:
 * POST /v1/chat/completions (JSON, or SSE with one write per event when the body asks to stream) and
 * POST /v1/embeddings. Prints `listening <port>` on stdout; exits when its stdin closes.
 */
import { createServer } from 'node:http';
import { chatBody, embeddingsBody, streamEvents } from './fixtures.mjs';

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts).toString('utf8');
    if (req.url === '/v1/chat/completions' && body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' });
      for (const event of streamEvents) res.write(event);
      res.end();
    } else if (req.url === '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.end(chatBody);
    } else if (req.url === '/v1/embeddings') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.end(embeddingsBody);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route for ${req.method} ${req.url}`, type: 'bench' } }));
    }
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
