/*
 * A loopback HTTP server that speaks the Gemini API wire format for the real `@google/genai` SDK:
 *   POST /{version}/models/{model}:generateContent                (Gemini Developer API)
 *   POST /{version}/models/{model}:streamGenerateContent?alt=sse  (SSE: `data: {json}` events, CRLF-separated)
 *   POST /{version}/models/{model}:embedContent | :batchEmbedContents
 *   POST /{version}/publishers/google/models/{model}:{method}     (Vertex AI express mode, API key)
 *   POST /{version}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}  (Vertex AI)
 * Errors are `{error: {code, message, status}}` with the HTTP status; inside a stream, an error event is a
 * `data:` line with that body. Each request takes the next scripted reply; every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type GeminiReply =
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'sse'; events: unknown[]; delayMs?: number; thenDrop?: boolean }
  | { kind: 'error'; status: number; body: unknown }
  | { kind: 'text-error'; status: number; text: string };

export interface GeminiRequest {
  method: string;
  path: string;
  /** The model id in the path (`gemini-2.5-flash`). */
  model: string;
  /** The method after the colon (`generateContent`, `streamGenerateContent`, ...). */
  action: string;
  /** `gemini` for /models/..., `vertex` for .../publishers/google/models/... */
  api: 'gemini' | 'vertex';
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: any;
}

export const json = (body: unknown, status = 200): GeminiReply => ({ kind: 'json', status, body });
export const sse = (events: unknown[], opts: { delayMs?: number; thenDrop?: boolean } = {}): GeminiReply => ({ kind: 'sse', events, ...opts });

/** The Google API error body, e.g. geminiError(429, 'Quota exceeded', 'RESOURCE_EXHAUSTED'). */
export const errorBody = (code: number, message: string, status: string) => ({ error: { code, message, status } });
export const geminiError = (code: number, message: string, status: string): GeminiReply => ({ kind: 'error', status: code, body: errorBody(code, message, status) });

const PATH = /^\/([^/]+)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(publishers\/google\/)?models\/([^/:]+):([A-Za-z]+)$/;

export class MockGeminiServer {
  readonly requests: GeminiRequest[] = [];
  private readonly queue: GeminiReply[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** Base URL to pass as `httpOptions.baseUrl`. */
  baseUrl = '';
  port = 0;

  enqueue(...replies: GeminiReply[]): this {
    this.queue.push(...replies);
    return this;
  }

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
    this.baseUrl = `http://127.0.0.1:${this.port}`;
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
      // keep the text
    }
    const url = new URL(req.url ?? '/', 'http://mock');
    const match = PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody(404, `unexpected ${req.method} ${req.url}`, 'NOT_FOUND')));
      return;
    }
    this.requests.push({
      method: req.method,
      path: url.pathname,
      model: decodeURIComponent(match[3]!),
      action: match[4]!,
      api: match[2] ? 'vertex' : 'gemini',
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    });
    const reply = this.queue.shift();
    if (!reply) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody(500, `no scripted reply for ${req.method} ${req.url}`, 'INTERNAL')));
      return;
    }
    switch (reply.kind) {
      case 'json':
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(reply.body));
        return;
      case 'error':
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(reply.body));
        return;
      case 'text-error':
        res.writeHead(reply.status, { 'content-type': 'text/plain' });
        res.end(reply.text);
        return;
      case 'sse':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of reply.events) {
          if (res.destroyed) return;
          res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        if (reply.thenDrop) {
          // Cut the connection mid-stream (no terminating chunk), once the client has read what was sent.
          await new Promise((r) => setTimeout(r, 30));
          res.socket?.destroy();
          return;
        }
        res.end();
        return;
    }
  }
}
