/*
 * A loopback HTTP server that speaks the Anthropic Messages API wire format closely enough for the real
 * `@anthropic-ai/sdk` to parse it: JSON bodies; SSE streams where every event has an `event:` line naming
 * its type and a `data:` line with its JSON (the SDK skips events without an `event:` line, and `ping`s);
 * error bodies `{type: 'error', error: {type, message}, request_id}` with their HTTP status; a
 * `request-id` header on every response. Replies are scripted and requests recorded as in
 * mock-http-server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP1, MockHttpServer, recordedRequest, sendJson, writePaced, type RecordedRequest } from './mock-http-server';

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

export class MockAnthropicServer extends MockHttpServer<AnthropicReply, RecordedRequest> {
  private readonly hanging = new Set<ServerResponse>();

  constructor() {
    super(HTTP1);
  }

  /** Base URL to pass to `new Anthropic({ baseURL })` (the SDK appends `/v1/messages`). */
  get baseURL(): string {
    return this.origin;
  }

  override reset(): void {
    super.reset();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  protected record(req: IncomingMessage, text: string): RecordedRequest {
    return recordedRequest(req, text);
  }

  private get requestId(): string {
    return `req_mock_${this.requests.length}`;
  }

  protected sendNoReply(res: ServerResponse, req: IncomingMessage): void {
    const message = `no scripted reply for ${req.method} ${req.url}`;
    sendJson(res, 500, { type: 'error', error: { type: 'api_error', message } }, { 'request-id': this.requestId });
  }

  protected async send(reply: AnthropicReply, res: ServerResponse): Promise<void> {
    const requestId = this.requestId;
    const gone = () => res.destroyed;
    switch (reply.kind) {
      case 'json':
        sendJson(res, reply.status ?? 200, reply.body, { 'request-id': requestId, ...reply.headers });
        return;
      case 'error':
        // Never retried in tests (clients use maxRetries: 0 too).
        sendJson(res, reply.status, { ...(reply.body as object), request_id: requestId }, { 'request-id': requestId, 'x-should-retry': 'false', ...reply.headers });
        return;
      case 'sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId, ...reply.headers });
        const events = reply.events.map((e) => `event: ${e.event ?? String((e.data as { type?: unknown })?.type ?? 'message')}\ndata: ${JSON.stringify(e.data)}\n\n`);
        if (!(await writePaced(res, events, reply.delayMs, gone))) return;
        if (reply.hangAfter) {
          // Keep the body open until the client goes away (abort tests).
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
          return;
        }
        res.end();
        return;
      }
      case 'raw-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': requestId });
        if (await writePaced(res, reply.text, reply.delayMs, gone)) res.end();
        return;
    }
  }
}
