/*
 * A loopback HTTP server that speaks the Gemini API wire format for the real `@google/genai` SDK:
 *   POST /{version}/models/{model}:generateContent                (Gemini Developer API)
 *   POST /{version}/models/{model}:streamGenerateContent?alt=sse  (SSE: `data: {json}` events, CRLF-separated)
 *   POST /{version}/models/{model}:embedContent | :batchEmbedContents
 *   POST /{version}/publishers/google/models/{model}:{method}     (Vertex AI express mode, API key)
 *   POST /{version}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}  (Vertex AI)
 * Errors are `{error: {code, message, status}}` with the HTTP status; inside a stream, an error event is a
 * `data:` line with that body. Replies are scripted and requests recorded as in mock-http-server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP1, MockHttpServer, jsonOrText, sendJson, writePaced } from './mock-http-server';

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

export class MockGeminiServer extends MockHttpServer<GeminiReply, GeminiRequest> {
  constructor() {
    super(HTTP1);
  }

  /** Base URL to pass as `httpOptions.baseUrl`. */
  get baseUrl(): string {
    return this.origin;
  }

  protected record(req: IncomingMessage, text: string): GeminiRequest | undefined {
    const url = new URL(req.url ?? '/', 'http://mock');
    const match = PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match) return undefined;
    return {
      method: req.method,
      path: url.pathname,
      model: decodeURIComponent(match[3]!),
      action: match[4]!,
      api: match[2] ? 'vertex' : 'gemini',
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: jsonOrText(text),
    };
  }

  protected override notFound(res: ServerResponse, req: IncomingMessage): void {
    sendJson(res, 404, errorBody(404, `unexpected ${req.method} ${req.url}`, 'NOT_FOUND'));
  }

  protected sendNoReply(res: ServerResponse, req: IncomingMessage): void {
    sendJson(res, 500, errorBody(500, `no scripted reply for ${req.method} ${req.url}`, 'INTERNAL'));
  }

  protected async send(reply: GeminiReply, res: ServerResponse): Promise<void> {
    switch (reply.kind) {
      case 'json':
      case 'error':
        sendJson(res, reply.status ?? 200, reply.body, { 'content-type': 'application/json; charset=UTF-8' });
        return;
      case 'text-error':
        res.writeHead(reply.status, { 'content-type': 'text/plain' });
        res.end(reply.text);
        return;
      case 'sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const events = reply.events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`);
        if (!(await writePaced(res, events, reply.delayMs, () => res.destroyed))) return;
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
}
