/*
 * A loopback OTLP/HTTP receiver for the spool tests: answers each request with the next scripted reply
 * (then with the default one), and records every request whole (url, headers, raw body, arrival time).
 * A 'hang' reply never answers: the request stays open until the client gives up or the receiver closes.
 */
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the whole body had arrived. */
  at: number;
}

export type Reply = { status: number; headers?: Record<string, string> } | 'hang';

export class ScriptedReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: Reply[] = [];
  private server: Server | undefined;

  constructor(private readonly defaultReply: Reply = { status: 200 }) {}

  /** Queues replies, one per coming request. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
        const reply = this.script.shift() ?? this.defaultReply;
        if (reply === 'hang') return;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops every open connection (hanging requests included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** A loopback port with nothing listening on it (taken from the OS, then freed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
