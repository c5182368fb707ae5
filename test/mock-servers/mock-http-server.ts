/*
 * What every loopback mock server shares, whatever its wire format: scripted replies, taken one per
 * request in order; every request recorded for assertions; listening on a free loopback port (HTTP/1.1,
 * or HTTP/2 cleartext with prior knowledge); stopping with the open connections dropped. A wire-format
 * server extends it with how it records a request and how it sends a reply.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Server } from 'node:net';

export interface Transport<Req, Res> {
  createServer(handler: (req: Req, res: Res) => void): Server;
  /** The server's event for a new connection (a socket, or an HTTP/2 session). */
  connectionEvent: 'connection' | 'session';
}

export const HTTP1: Transport<IncomingMessage, ServerResponse> = { createServer: (h) => createHttp1Server(h), connectionEvent: 'connection' };
export const HTTP2_CLEARTEXT: Transport<Http2ServerRequest, Http2ServerResponse> = { createServer: (h) => createHttp2Server(h), connectionEvent: 'session' };

/** What the helpers below write to: an HTTP/1.1 or HTTP/2 compatibility-API response. */
export interface MockResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown;
  write(chunk: string | Uint8Array): unknown;
  end(chunk: string): unknown;
}

export abstract class MockHttpServer<Reply, Recorded, Req extends IncomingMessage | Http2ServerRequest = IncomingMessage, Res extends MockResponse = ServerResponse> {
  readonly requests: Recorded[] = [];
  private readonly queue: Reply[] = [];
  private server: Server | undefined;
  private readonly connections = new Set<{ destroy(): void; on(event: 'close', listener: () => void): unknown }>();
  port = 0;

  protected constructor(private readonly transport: Transport<Req, Res>) {}

  /** `http://127.0.0.1:<port>` once started. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  enqueue(...replies: Reply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Forgets the recorded requests and drops the scripted replies left over (a failed test's). */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async start(): Promise<this> {
    const server = this.transport.createServer((req, res) => void this.handle(req, res));
    const track = (c: { destroy(): void; on(event: 'close', listener: () => void): unknown }) => {
      this.connections.add(c);
      c.on('close', () => this.connections.delete(c));
    };
    server.on(this.transport.connectionEvent, track);
    // HTTP/2: a destroyed session can leave its socket open (seen when the client dropped an unread
    // stream), which would keep close() waiting: the sockets are dropped too.
    if (this.transport.connectionEvent !== 'connection') server.on('connection', track);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The request as recorded, from its body text; undefined if it is none of this API's (answered by `notFound`). */
  protected abstract record(req: Req, text: string): Recorded | undefined;

  /** Sends a scripted reply to a recorded request. */
  protected abstract send(reply: Reply, res: Res, request: Recorded): void | Promise<void>;

  /** Answers a recorded request no reply was scripted for. */
  protected abstract sendNoReply(res: Res, req: Req): void;

  /** Answers a request `record` did not take. */
  protected notFound(res: Res, req: Req): void {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`unexpected ${req.method} ${req.url}`);
  }

  private async handle(req: Req, res: Res): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const request = this.record(req, Buffer.concat(parts).toString('utf8'));
    if (request === undefined) return this.notFound(res, req);
    this.requests.push(request);
    const reply = this.queue.shift();
    if (reply === undefined) return this.sendNoReply(res, req);
    await this.send(reply, res, request);
  }
}

/** A request as the HTTP/1.1 servers record it: its body is parsed by jsonOrText. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export function recordedRequest(req: IncomingMessage, text: string): RecordedRequest {
  return { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: jsonOrText(text) };
}

/** The JSON value of a body; undefined if it is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON value of a body, or its text if it is not JSON (multipart uploads); undefined if empty. */
export function jsonOrText(text: string): unknown {
  const json = parseJson(text);
  return json === undefined ? text || undefined : json;
}

/** Sends `body` as JSON (`headers` may set another content type). */
export function sendJson(res: MockResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Writes the pieces of a streamed body one by one, `delayMs` apart; false if the client went away
 * (`gone`) before all were written.
 */
export async function writePaced(res: MockResponse, pieces: ReadonlyArray<string | Uint8Array>, delayMs: number | undefined, gone: () => boolean): Promise<boolean> {
  for (const piece of pieces) {
    if (gone()) return false;
    res.write(piece);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  }
  return true;
}
