/*
 * A loopback HTTP server that speaks the Anthropic Messages API wire format closely enough for the real
 * `@anthropic-ai/sdk` to parse it: JSON bodies; SSE streams where every event has an `event:` line naming
 * its type and a `data:` line with its JSON (the SDK skips events without an `event:` line, and `ping`s);
 * error bodies `{type: 'error', error: {type, message}, request_id}` with their HTTP status; a
 * `request-id` header on every response. Each request takes the next scripted reply; every request is
 * recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One SSE event: `event: <event>` (default: the data's `type`) and `data: <JSON of data>`. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

export type AnthropicReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: SseEvent[]; delayMs?: number; headers?: Record<string, string>; hangAfter?: boolean }
  | { kind: 'raw-sse'; text: string[]; delayMs?: number }
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export const json = (body: unknown, headers?: Record<string, string>): AnthropicReply => ({ kind: 'json', body, headers });

/** A stream of events; a bare object is sent as `event: <its type>`. */
export const sse = (events: Array<SseEvent | Record<string, unknown>>, opts: { delayMs?: number; hangAfter?: boolean } = {}): AnthropicReply => ({
  kind: 'sse',
  events: events.map((e) => ('data' in e && !('type' in e) ? (e as SseEvent) : { data: e })),
  ...opts,
});

/** The error type Anthropic sends with each HTTP status. */
export const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export const apiError = (status: number, message = 'mock error', type = ERROR_TYPES[status] ?? 'api_error'): AnthropicReply => ({
  kind: 'error',
  status,
  body: { type: 'error', error: { type, message } },
});

export class MockAnthropicServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: AnthropicReply[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  /** Base URL to pass to `new Anthropic({ baseURL })` (the SDK appends `/v1/messages`). */
  baseURL = '';
  port = 0;

  enqueue(...replies: AnthropicReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Forgets the recorded requests and drops the scripted replies left over (a failed test's). */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.baseURL = `http://127.0.0.1:${this.port}`;
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
      // not JSON: keep the text
    }
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const requestId = `req_mock_${this.requests.length}`;
    const reply = this.queue.shift();
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `no scripted reply for ${req.method} ${req.url}` } }));
      return;
    }
    switch (reply.kind) {
      case 'json':
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'request-id': requestId, ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      case 'error':
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'request-id': requestId,
          // Never retried in tests (clients use maxRetries: 0 too).
          'x-should-retry': 'false',
          ...reply.headers,
        });
        res.end(JSON.stringify({ ...(reply.body as object), request_id: requestId }));
        return;
      case 'sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId, ...reply.headers });
        for (const e of reply.events) {
          if (res.destroyed) return;
          const name = e.event ?? String((e.data as { type?: unknown })?.type ?? 'message');
          res.write(`event: ${name}\ndata: ${JSON.stringify(e.data)}\n\n`);
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        if (reply.hangAfter) {
          // Keep the body open until the client goes away (abort tests).
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        res.end();
        return;
      case 'raw-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': requestId });
        for (const piece of reply.text) {
          if (res.destroyed) return;
          res.write(piece);
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        res.end();
        return;
    }
  }
}
