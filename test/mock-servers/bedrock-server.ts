/*
 * A loopback HTTP/2 (cleartext, prior knowledge) server that speaks the Bedrock Runtime wire format for
 * the real `@aws-sdk/client-bedrock-runtime`, whose default request handler is its HTTP/2 handler:
 *
 *   POST /model/{modelId}/converse                      JSON in, JSON out
 *   POST /model/{modelId}/converse-stream               JSON in, AWS event stream out
 *   POST /model/{modelId}/invoke                        the model's native body in and out
 *   POST /model/{modelId}/invoke-with-response-stream   native body in, event stream of `chunk` events out
 *
 * Event streams use the AWS binary framing (prelude, headers, payload, CRCs) encoded with Smithy's own
 * EventStreamCodec: `:message-type` `event`, `:event-type` (messageStart, contentBlockDelta, ..., chunk),
 * `:content-type` `application/json`; a modelled error mid-stream is an `exception` message with
 * `:exception-type` (e.g. `throttlingException`). HTTP errors carry `x-amzn-errortype` and a JSON
 * `{message}`; every response has an `x-amzn-requestid`. The client signs its requests (SigV4) with
 * static fake credentials; the signature is not checked. Each request takes the next scripted reply and
 * is recorded for assertions.
 */
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export type StreamFrame =
  | { kind: 'event'; type: string; payload: unknown }
  | { kind: 'exception'; type: string; message: string };

export type BedrockReply =
  | { kind: 'json'; body: unknown; headers?: Record<string, string> }
  | { kind: 'events'; frames: StreamFrame[]; delayMs?: number; headers?: Record<string, string> }
  | { kind: 'error'; status: number; type: string; message: string };

export interface BedrockRequest {
  method: string;
  path: string;
  /** The model id from the path, URL-decoded. */
  modelId: string;
  /** `converse`, `converse-stream`, `invoke` or `invoke-with-response-stream`. */
  operation: string;
  headers: IncomingHttpHeaders;
  /** The JSON body (undefined if not JSON), and its text. */
  body: any;
  text: string;
}

export const json = (body: unknown, headers?: Record<string, string>): BedrockReply => ({ kind: 'json', body, headers });
export const events = (frames: StreamFrame[], opts: { delayMs?: number; headers?: Record<string, string> } = {}): BedrockReply => ({
  kind: 'events',
  frames,
  ...opts,
});
export const awsError = (status: number, type: string, message: string): BedrockReply => ({ kind: 'error', status, type, message });

/** One event of a ConverseStream (`messageStart`, `contentBlockDelta`, ..., `metadata`). */
export const event = (type: string, payload: unknown): StreamFrame => ({ kind: 'event', type, payload });
/** One InvokeModelWithResponseStream chunk: the model's JSON event, base64 in `bytes`. */
export const chunk = (modelEvent: unknown): StreamFrame => ({
  kind: 'event',
  type: 'chunk',
  payload: { bytes: Buffer.from(JSON.stringify(modelEvent)).toString('base64') },
});
/** A modelled exception mid-stream (`throttlingException`, `modelStreamErrorException`, ...). */
export const exception = (type: string, message: string): StreamFrame => ({ kind: 'exception', type, message });

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

export function encodeFrame(frame: StreamFrame): Uint8Array {
  if (frame.kind === 'exception') {
    return codec.encode({
      headers: { ':message-type': str('exception'), ':exception-type': str(frame.type), ':content-type': str('application/json') },
      body: fromUtf8(JSON.stringify({ message: frame.message })),
    });
  }
  return codec.encode({
    headers: { ':message-type': str('event'), ':event-type': str(frame.type), ':content-type': str('application/json') },
    body: fromUtf8(JSON.stringify(frame.payload)),
  });
}

export class MockBedrockServer {
  readonly requests: BedrockRequest[] = [];
  private readonly queue: BedrockReply[] = [];
  private server: Http2Server | undefined;
  private readonly sessions = new Set<ServerHttp2Session>();
  /** Responses whose stream the client stopped reading (it closed the connection). */
  abandonedStreams = 0;

  endpoint = '';
  port = 0;

  enqueue(...replies: BedrockReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.abandonedStreams = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('session', (s) => {
      this.sessions.add(s);
      s.on('close', () => this.sessions.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.endpoint = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const match = /^\/model\/([^/]+)\/([a-z-]+)$/.exec((req.url ?? '').split('?')[0]!);
    this.requests.push({
      method: req.method,
      path: req.url,
      modelId: match ? decodeURIComponent(match[1]!) : '',
      operation: match?.[2] ?? '',
      headers: req.headers,
      body,
      text,
    });
    const requestId = `req-bedrock-${this.requests.length}`;
    const reply = this.queue.shift();
    if (!reply) {
      this.sendError(res, requestId, awsError(500, 'InternalServerException', `no scripted reply for ${req.method} ${req.url}`) as Extract<BedrockReply, { kind: 'error' }>);
      return;
    }
    switch (reply.kind) {
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      case 'error':
        this.sendError(res, requestId, reply);
        return;
      case 'events': {
        res.writeHead(200, {
          'content-type': 'application/vnd.amazon.eventstream',
          'x-amzn-requestid': requestId,
          ...(match?.[2] === 'invoke-with-response-stream' ? { 'x-amzn-bedrock-content-type': 'application/json' } : {}),
          ...reply.headers,
        });
        for (const frame of reply.frames) {
          if (res.stream.destroyed || res.stream.closed) {
            this.abandonedStreams++;
            return;
          }
          res.write(encodeFrame(frame));
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        }
        res.end();
        return;
      }
    }
  }

  private sendError(res: Http2ServerResponse, requestId: string, reply: Extract<BedrockReply, { kind: 'error' }>): void {
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${reply.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    });
    res.end(JSON.stringify({ message: reply.message }));
  }
}
