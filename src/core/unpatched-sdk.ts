/*
 * An LLM SDK that was loaded but never patched: the app calls a copy of the SDK that no module hook saw
 * load (an ES module app without the import-in-the-middle loader hook, an instrumentation file imported
 * from inside the app instead of with `node --import`, a bundle without manuallyInstrument), so nothing
 * is recorded and, before this, nothing said so. This file notices it and prints one Node warning per SDK.
 *
 * How, without touching what the app uses: Node publishes every outgoing HTTP request on diagnostics
 * channels, in the async context of the code that made it:
 *  - `undici:request:create`: global fetch (openai >= 5, @anthropic-ai/sdk, @google/genai);
 *  - `http.client.request.start`: node:http and https (openai 4 through node-fetch; Bedrock clients
 *    before the AWS SDK made HTTP/2 its default, or with a NodeHttpHandler);
 *  - `http2.client.stream.created`: node:http2 (the AWS SDK's default handler for Bedrock Runtime today);
 *    published by Node 24 (not by Node 20: there Bedrock over HTTP/2 is simply not watched).
 * A patched SDK makes its request inside the call's Invocation context, which carries RECORDED_CALL. A
 * request that a provider's SdkRequestSignature recognises (method, path of a call this package records,
 * the SDK's own headers) and that is not inside a recorded call therefore came from a copy that was not
 * patched.
 *
 * Cost: nothing while no instrumentation with a signature is enabled (no subscription; Node publishes
 * only to subscribers). While subscribed, each outgoing request of the app costs one context lookup (a
 * recorded LLM call stops there) and, outside a recorded call, a method comparison and a few regular
 * expressions on its path and headers. Nothing is changed on the request.
 *
 * No false alarm:
 *  - only the endpoints of calls this package records are recognised (a patched SDK's other methods,
 *    e.g. `models.list`, never run in a recorded call);
 *  - an SDK whose patched method could not start its Invocation (an internal failure, already reported
 *    through diag) makes its request outside one: the instrumentation then stands its watch down;
 *  - without a working context manager no request is ever inside a recorded call: nothing is reported then.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, context as contextApi, createContextKey, diag } from '@opentelemetry/api';
import { WARNING_CODES, userWarned, warnUser } from './user-warning';

/** How the calls this package records look on the wire when one SDK sends them (declared by each provider). */
export interface SdkRequestSignature {
  /** The npm package, as the warning names it. */
  readonly sdk: string;
  /** The HTTP method of the recorded calls (upper case). */
  readonly method: string;
  /** The request path (without its query) of a recorded call. */
  readonly path: RegExp;
  /** Headers the SDK itself sends (lower-case names) and what their values look like; all must match. */
  readonly headers: Readonly<Record<string, RegExp>>;
}

/**
 * Marks the context of a recorded call (an Invocation's). createContextKey is Symbol.for(description), so
 * two copies of this package in one process see each other's recorded calls.
 */
const RECORDED_CALL = createContextKey('opentelemetry-instrumentation-genai.recorded_call');

/**
 * The last context marked, and its marked copy: consecutive calls made from one context (a script, a
 * loop, a batch job, calls at the top level) share one marked copy instead of a new context each (for
 * speed). Contexts are immutable, so the copy stays right; this holds on to that one context meanwhile.
 */
let lastUnmarked: Context | undefined;
let lastMarked: Context | undefined;

export function markRecordedCall(ctx: Context): Context {
  if (ctx === lastUnmarked && lastMarked !== undefined) return lastMarked;
  if (ctx.getValue(RECORDED_CALL) === true) return ctx;
  const marked = ctx.setValue(RECORDED_CALL, true);
  lastUnmarked = ctx;
  lastMarked = marked;
  return marked;
}

/** One outgoing request, read from whichever channel published it. */
interface OutgoingRequest {
  method: unknown;
  path: unknown;
  header(name: string): string | undefined;
}

const CHANNELS: ReadonlyArray<readonly [string, (message: unknown) => OutgoingRequest | undefined]> = [
  ['undici:request:create', (message) => undiciRequest((message as { request?: unknown })?.request)],
  ['http.client.request.start', (message) => httpRequest((message as { request?: unknown })?.request)],
  ['http2.client.stream.created', (message) => http2Request((message as { headers?: unknown })?.headers)],
];

/** The enabled instrumentations' signatures, by instrumentation. */
const watches = new Map<object, SdkRequestSignature>();
const listeners = new Map<string, (message: unknown) => void>();
let broken = false;

/** Watches for requests of `signature`'s SDK made outside a recorded call (while `owner` is enabled). */
export function watchUnpatchedCalls(owner: object, signature: SdkRequestSignature | undefined): void {
  if (!signature || broken) return;
  watches.set(owner, signature);
  if (listeners.size > 0 || typeof diagnosticsChannel.subscribe !== 'function') return;
  for (const [name, read] of CHANNELS) {
    const listener = (message: unknown) => onRequest(message, read);
    listeners.set(name, listener);
    diagnosticsChannel.subscribe(name, listener);
  }
}

/** Stops watching for `owner` (disabled, or standing down); the last one unsubscribes. */
export function unwatchUnpatchedCalls(owner: object): void {
  if (!watches.delete(owner) || watches.size > 0) return;
  for (const [name, listener] of listeners) diagnosticsChannel.unsubscribe(name, listener);
  listeners.clear();
}

function onRequest(message: unknown, read: (message: unknown) => OutgoingRequest | undefined): void {
  // A throw from a subscriber would reach the app as an uncaught exception: never let one out.
  try {
    if (contextApi.active().getValue(RECORDED_CALL) === true) return;
    const request = read(message);
    if (!request || typeof request.method !== 'string' || typeof request.path !== 'string') return;
    const q = request.path.indexOf('?');
    const path = q < 0 ? request.path : request.path.slice(0, q);
    for (const signature of watches.values()) {
      if (request.method !== signature.method || !signature.path.test(path)) continue;
      if (!Object.entries(signature.headers).every(([name, value]) => value.test(request.header(name) ?? ''))) continue;
      report(signature.sdk);
    }
  } catch (error) {
    broken = true;
    for (const owner of [...watches.keys()]) unwatchUnpatchedCalls(owner);
    diag.error('opentelemetry-instrumentation-genai: watching for unpatched LLM SDKs failed; it is turned off', error);
  }
}

function report(sdk: string): void {
  const key = `sdk-not-patched:${sdk}`;
  if (userWarned(key)) return;
  if (!contextPropagates()) {
    diag.debug(`opentelemetry-instrumentation-genai: a ${sdk} call outside a recorded call, but no context manager propagates the context: not reported`);
    return;
  }
  warnUser(
    key,
    WARNING_CODES.sdkNotPatched,
    `opentelemetry-instrumentation-genai: a call of ${sdk} was not recorded: the app uses a copy of ${sdk} that was loaded but never patched. ` +
      `An ES module app must be started with \`node --import opentelemetry-instrumentation-genai/register app.mjs\`, or with its own ` +
      `instrumentation file given to \`node --import\` (not imported by the app) that registers the loader hook ` +
      `('@opentelemetry/instrumentation/hook.mjs') before ${sdk} is imported; a bundled app must pass the ${sdk} module it imports to manuallyInstrument().`,
  );
}

/** Whether the global context manager propagates contexts (with none, no request is ever inside a recorded call). */
function contextPropagates(): boolean {
  const probe = ROOT_CONTEXT.setValue(RECORDED_CALL, 'probe');
  return contextApi.with(probe, () => contextApi.active() === probe);
}

// ---------------------------------------------------------------------------------------------------
// The request shapes of the three channels (checked on Node 20 and 24).

/** undici's Request: `method`, `path` (with query), `headers` as [name, value, ...] (a CRLF string in older undici). */
function undiciRequest(request: unknown): OutgoingRequest | undefined {
  const r = request as { method?: unknown; path?: unknown; headers?: unknown } | undefined;
  if (!r) return undefined;
  return {
    method: r.method,
    path: r.path,
    header: (name) => {
      const headers = r.headers;
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) {
          if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
        }
      } else if (typeof headers === 'string') {
        for (const line of headers.split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
        }
      }
      return undefined;
    },
  };
}

/** node:http's ClientRequest. */
function httpRequest(request: unknown): OutgoingRequest | undefined {
  const r = request as { method?: unknown; path?: unknown; getHeader?: (name: string) => unknown } | undefined;
  if (!r || typeof r.getHeader !== 'function') return undefined;
  return { method: r.method, path: r.path, header: (name) => headerText(r.getHeader!(name)) };
}

/** node:http2's request headers object (`:method`, `:path`, then the rest). */
function http2Request(headers: unknown): OutgoingRequest | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown>;
  return {
    method: h[':method'],
    path: h[':path'],
    header: (name) => headerText(h[name] ?? h[Object.keys(h).find((k) => k.toLowerCase() === name) ?? '']),
  };
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
