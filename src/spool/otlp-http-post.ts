/*
 * Sends one spooled OTLP export request over HTTP(S), with the endpoint, headers, compression, timeout
 * and TLS agent the SDK's configuration resolved (./otlp-line.ts). Unlike the SDK's exporters, it never
 * keeps the process alive (sockets are unref'd and there are no retry timers here: the spool retries,
 * from disk), so an unreachable or hanging collector cannot hold the app open at exit.
 *
 * Outcomes follow the OTLP/HTTP specification, leaning towards keeping data: 2xx accepted; 400, 413 and
 * 422 rejected (the bytes can never be accepted); anything else, timeouts and network errors are retried
 * later (429/502/503/504 are transient; 401/403/404 and other 5xx usually mean a misconfiguration that
 * someone will fix, and the spool keeps the data meanwhile).
 */
import { context } from '@opentelemetry/api';
import type * as http from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { withTracingSuppressed } from '../core';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import type { OtlpHttpSettings } from './otlp-line';

export type PostOutcome =
  | { kind: 'accepted' }
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'rejected'; reason: string; status: number };

const REJECTED_STATUSES = new Set([400, 413, 422]);
const MAX_RESPONSE_BYTES = 64 * 1024;
const gzip = promisify(zlib.gzip);

export class OtlpHttpPoster {
  private agent: Promise<http.Agent | undefined> | undefined;

  constructor(private readonly settings: OtlpHttpSettings) {}

  get url(): string {
    return this.settings.url;
  }

  async post(body: Uint8Array, contentType: string): Promise<PostOutcome> {
    const url = new URL(this.settings.url);
    const requestModule = (url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof http;
    const agent = await (this.agent ??= this.createAgent(url.protocol));
    const headers: Record<string, string> = { ...(await this.headers()), 'Content-Type': contentType };
    headers['User-Agent'] = `${this.settings.userAgent ? `${this.settings.userAgent} ` : ''}${PACKAGE_NAME}-spool/${PACKAGE_VERSION}`;
    let payload: Uint8Array = body;
    if (this.settings.compression === 'gzip') {
      payload = await gzip(body);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(payload.byteLength);

    return new Promise<PostOutcome>((resolve) => {
      // Our own requests must not be traced (an HTTP instrumentation would record every export).
      const req = context.with(withTracingSuppressed(context.active()), () =>
        requestModule.request(url, { method: 'POST', headers, agent }, (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.byteLength;
            if (received > MAX_RESPONSE_BYTES) res.destroy();
          });
          res.on('error', () => undefined);
          res.on('close', () => resolve(outcomeOf(res.statusCode ?? 0, res.headers['retry-after'])));
        }),
      );
      req.setTimeout(this.settings.timeoutMillis, () => {
        req.destroy(new Error(`no answer within ${this.settings.timeoutMillis} ms`));
      });
      // Also after the agent re-refs a kept-alive socket for this request (the event comes after that).
      req.on('socket', (socket) => socket.unref());
      req.on('error', (error) => resolve({ kind: 'retry', reason: error.message }));
      req.end(payload);
    });
  }

  private async headers(): Promise<Record<string, string>> {
    const h = this.settings.headers;
    return (typeof h === 'function' ? await h() : h) ?? {};
  }

  private async createAgent(protocol: string): Promise<http.Agent | undefined> {
    return (await this.settings.agentFactory?.(protocol)) as http.Agent | undefined;
  }
}

function outcomeOf(status: number, retryAfter: string | string[] | undefined): PostOutcome {
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  if (REJECTED_STATUSES.has(status)) return { kind: 'rejected', status, reason: `HTTP ${status}` };
  return { kind: 'retry', status, reason: status ? `HTTP ${status}` : 'no HTTP status', retryAfterMs: retryAfterMs(retryAfter) };
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
