/*
 * A loopback OTLP/HTTP receiver standing in for the collector, with the faults a collector has:
 * - 'ok': answers 200 and keeps what it got;
 * - 'down': not listening at all (the server is closed and its connections dropped; set another mode to
 *   listen again on the same port);
 * - 'unavailable': answers 503, with `Retry-After` when `retryAfter` is given;
 * - 'hang': accepts the request and never answers.
 * Traces are decoded from OTLP JSON and from OTLP protobuf; every copy of every span is kept by span id,
 * so a batch that arrives twice (at-least-once delivery) shows as duplicates, not as more spans. Log
 * records are decoded from OTLP JSON and kept the same way, by span id, event name and time. Metrics
 * are answered the same way and only counted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { anyValue } from '../../scripts/demo/otlp-receiver.mjs';
import { decodeTraceRequest, type DecodedSpan } from './otlp-protobuf';

export type ReceiverMode = 'ok' | 'down' | 'unavailable' | 'hang';

export interface DecodedLogRecord {
  spanId: string;
  eventName: string;
  timeUnixNano: string;
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  status: number | 'hung';
  spans: number;
}

interface JsonSpan {
  spanId: string;
  name: string;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: unknown }>;
}

function decodeJsonLogs(body: Buffer): DecodedLogRecord[] {
  type JsonLog = { spanId?: string; eventName?: string; timeUnixNano?: string | number };
  const parsed = JSON.parse(body.toString('utf8') || '{}') as { resourceLogs?: Array<{ scopeLogs?: Array<{ logRecords?: JsonLog[] }> }> };
  return (parsed.resourceLogs ?? []).flatMap((rl) =>
    (rl.scopeLogs ?? []).flatMap((sl) =>
      (sl.logRecords ?? []).map((r) => ({ spanId: r.spanId ?? '', eventName: r.eventName ?? '', timeUnixNano: String(r.timeUnixNano ?? '') })),
    ),
  );
}

function decodeJsonTraces(body: Buffer): DecodedSpan[] {
  const parsed = JSON.parse(body.toString('utf8') || '{}') as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: JsonSpan[] }> }> };
  return (parsed.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        spanId: s.spanId,
        name: s.name,
        endTimeUnixNano: String(s.endTimeUnixNano),
        attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, anyValue(a.value)])),
      })),
    ),
  );
}

export class FaultyOtlpReceiver {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private modeNow: ReceiverMode = 'ok';
  /** Seconds for `Retry-After` in 'unavailable' mode; none when undefined. */
  retryAfter: string | undefined;
  port = 0;
  /** Every accepted copy of every span, by span id. */
  readonly spans = new Map<string, DecodedSpan[]>();
  /** Every accepted copy of every log record (OTLP JSON only), by span id, event name and time. */
  readonly logs = new Map<string, DecodedLogRecord[]>();
  readonly requests: ReceivedRequest[] = [];

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): ReceiverMode {
    return this.modeNow;
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  async setMode(mode: ReceiverMode, retryAfter?: string): Promise<void> {
    this.retryAfter = retryAfter;
    if (mode === this.modeNow) return;
    const wasDown = this.modeNow === 'down';
    this.modeNow = mode;
    // Requests left hanging are dropped as a restarted collector would drop them.
    this.dropConnections();
    if (mode === 'down') await this.closeServer();
    else if (wasDown) await this.listen();
  }

  /** Forgets what was received (the start of a test). */
  reset(): void {
    this.spans.clear();
    this.logs.clear();
    this.requests.length = 0;
  }

  /** Distinct spans (one per span id) and how many extra copies arrived. */
  distinctSpans(): { spans: DecodedSpan[]; duplicates: number } {
    let duplicates = 0;
    const spans: DecodedSpan[] = [];
    for (const copies of this.spans.values()) {
      spans.push(copies[0]!);
      duplicates += copies.length - 1;
    }
    return { spans, duplicates };
  }

  async close(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The same port after an outage: the app keeps its configured endpoint.
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    try {
      for await (const part of req) parts.push(part as Buffer);
    } catch {
      return; // the client went away mid-body
    }
    const path = req.url ?? '';
    const contentType = String(req.headers['content-type'] ?? '');
    const protobuf = contentType.includes('protobuf');
    const record: ReceivedRequest = { path, contentType, status: 200, spans: 0 };
    this.requests.push(record);
    if (this.modeNow === 'hang') {
      record.status = 'hung';
      return; // never answered; the connection is dropped at the next mode change or close
    }
    if (this.modeNow === 'unavailable') {
      record.status = 503;
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (this.retryAfter !== undefined) headers['retry-after'] = this.retryAfter;
      res.writeHead(503, headers).end('unavailable');
      return;
    }
    if (!['/v1/traces', '/v1/metrics', '/v1/logs'].includes(path)) {
      record.status = 404;
      res.writeHead(404).end();
      return;
    }
    if (path === '/v1/traces') {
      let spans: DecodedSpan[];
      try {
        let body = Buffer.concat(parts);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        spans = protobuf ? decodeTraceRequest(body) : decodeJsonTraces(body);
      } catch (error) {
        record.status = 400;
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot decode: ${(error as Error).message}`);
        return;
      }
      record.spans = spans.length;
      for (const span of spans) {
        const copies = this.spans.get(span.spanId);
        if (copies) copies.push(span);
        else this.spans.set(span.spanId, [span]);
      }
    }
    if (path === '/v1/logs' && !protobuf) {
      let records: DecodedLogRecord[];
      try {
        let body = Buffer.concat(parts);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        records = decodeJsonLogs(body);
      } catch (error) {
        record.status = 400;
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot decode: ${(error as Error).message}`);
        return;
      }
      for (const log of records) {
        const key = `${log.spanId} ${log.eventName} ${log.timeUnixNano}`;
        const copies = this.logs.get(key);
        if (copies) copies.push(log);
        else this.logs.set(key, [log]);
      }
    }
    // An empty ExportServiceResponse in either encoding.
    if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
