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
 * static fake credentials; the signature is not checked. Replies are scripted and requests recorded as in
 * mock-http-server.ts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { HTTP2_CLEARTEXT, MockHttpServer, parseJson, sendJson, writePaced } from './mock-http-server';
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

type ErrorReply = Extract<BedrockReply, { kind: 'error' }>;

export class MockBedrockServer extends MockHttpServer<BedrockReply, BedrockRequest, Http2ServerRequest, Http2ServerResponse> {
  /** Responses whose stream the client stopped reading (it closed the connection). */
  abandonedStreams = 0;

  constructor() {
    super(HTTP2_CLEARTEXT);
  }

  get endpoint(): string {
    return this.origin;
  }

  override reset(): void {
    super.reset();
    this.abandonedStreams = 0;
  }

  protected record(req: Http2ServerRequest, text: string): BedrockRequest {
    const match = /^\/model\/([^/]+)\/([a-z-]+)$/.exec((req.url ?? '').split('?')[0]!);
    return {
      method: req.method,
      path: req.url,
      modelId: match ? decodeURIComponent(match[1]!) : '',
      operation: match?.[2] ?? '',
      headers: req.headers,
      body: parseJson(text),
      text,
    };
  }

  private get requestId(): string {
    return `req-bedrock-${this.requests.length}`;
  }

  protected sendNoReply(res: Http2ServerResponse, req: Http2ServerRequest): void {
    this.sendError(res, awsError(500, 'InternalServerException', `no scripted reply for ${req.method} ${req.url}`) as ErrorReply);
  }

  protected async send(reply: BedrockReply, res: Http2ServerResponse, request: BedrockRequest): Promise<void> {
    switch (reply.kind) {
      case 'json':
        sendJson(res, 200, reply.body, { 'x-amzn-requestid': this.requestId, ...reply.headers });
        return;
      case 'error':
        this.sendError(res, reply);
        return;
      case 'events': {
        res.writeHead(200, {
          'content-type': 'application/vnd.amazon.eventstream',
          'x-amzn-requestid': this.requestId,
          ...(request.operation === 'invoke-with-response-stream' ? { 'x-amzn-bedrock-content-type': 'application/json' } : {}),
          ...reply.headers,
        });
        if (await writePaced(res, reply.frames.map(encodeFrame), reply.delayMs, () => res.stream.destroyed || res.stream.closed)) res.end();
        else this.abandonedStreams++;
        return;
      }
    }
  }

  private sendError(res: Http2ServerResponse, reply: ErrorReply): void {
    sendJson(res, reply.status, { message: reply.message }, {
      'x-amzn-requestid': this.requestId,
      'x-amzn-errortype': `${reply.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    });
  }
}
