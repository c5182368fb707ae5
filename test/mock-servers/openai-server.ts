/*
 * A loopback HTTP server that speaks the OpenAI REST API well enough for the real `openai` SDK to parse
 * it: JSON bodies, SSE streams (`data: {...}` lines ending with `data: [DONE]`), JSON error bodies with
 * their HTTP status, and deliberately malformed streams. Each request takes the next scripted reply;
 * every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type MockReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; chunks: unknown[]; done?: boolean; delayMs?: number; headers?: Record<string, string> }
  | { kind: 'raw-sse'; lines: string[]; delayMs?: number }
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export const json = (body: unknown, headers?: Record<string, string>): MockReply => ({ kind: 'json', body, headers });
export const sse = (chunks: unknown[], opts: { done?: boolean; delayMs?: number } = {}): MockReply => ({
  kind: 'sse',
  chunks,
  ...opts,
});
export const apiError = (status: number, message = 'mock error', type = 'invalid_request_error'): MockReply => ({
  kind: 'error',
  status,
  body: { error: { message, type, param: null, code: null } },
  // Keep the SDK from retrying 429/5xx in tests: it honours retry-after-ms, but max_retries=0 is set by clients.
});

export class MockOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: MockReply[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();

  /** Base URL to pass to `new OpenAI({ baseURL })`. */
  baseURL = '';
  port = 0;

  enqueue(...replies: MockReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Forgets the recorded requests and drops the scripted replies left over (a failed test's). */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.baseURL = `http://127.0.0.1:${this.port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (multipart uploads): keep the text.
    }
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const reply = this.queue.shift();
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no scripted reply for ${req.method} ${req.url}`, type: 'mock' } }));
      return;
    }
    const requestId = `req_mock_${this.requests.length}`;
    switch (reply.kind) {
      case 'json':
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'x-request-id': requestId, ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      case 'error':
        res.writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': requestId, ...reply.headers });
        res.end(JSON.stringify(reply.body ?? { error: { message: 'mock error' } }));
        return;
      case 'sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId, ...reply.headers });
        for (const chunk of reply.chunks) {
          if (res.destroyed) return;
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        if (reply.done !== false) res.write('data: [DONE]\n\n');
        res.end();
        return;
      case 'raw-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId });
        for (const line of reply.lines) {
          if (res.destroyed) return;
          res.write(line);
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        res.end();
        return;
    }
  }
}
