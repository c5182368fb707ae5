/*
 * The OpenTelemetry tracing built into @anthropic-ai/sdk (0.134 and later): with a tracer provider
 * registered, every client emits its own span per API call (`anthropic.messages.create`, CLIENT, with
 * gen_ai.* attributes and, when the app turns on the SDK's content mode, the messages), and sends that
 * span's trace context with the request.
 *
 * For the calls this package records, that is a second GenAI span of the same call. Policy
 * (`sdkTelemetry` option):
 *
 *   'suppress' (default): for messages.create / beta.messages.create (and every helper that sends through
 *      them: stream, parse, toolRunner, threads) the SDK starts no span of its own. Its tracer is swapped,
 *      for the synchronous part of the call only, for one that records nothing and whose spans carry the
 *      context of the span active where they start, i.e. ours. So the SDK still sends a `traceparent` (ours;
 *      the SDK's `propagation` setting still applies) and HTTP spans still nest under our span. The SDK's
 *      other spans (models, files, batches, count_tokens, the tool runner's `invoke_agent` span and its
 *      tool spans) are not model calls we record and stay as the SDK makes them.
 *   'keep': the SDK's span is kept as well (a child of ours for create; a sibling for the stream helpers,
 *      which start theirs before they call create). Only while the client's SDK content mode is
 *      `metadata_only` (the SDK's default): a client whose SDK spans would record content (the
 *      `openTelemetry.traces.contentMode: 'content'` option or ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE)
 *      is suppressed as with 'suppress', so message content only ever leaves through this package's
 *      capture mode, redaction and size limits.
 *
 * The SDK reads `client._tracer` synchronously where it decides to start a span (in create, and in the
 * stream helpers before they call create); `ANTHROPIC_OPEN_TELEMETRY=false` / `openTelemetry: false`
 * (no tracer) leave nothing to do.
 */
import type { Tracer } from '@opentelemetry/api';
import { nonRecordingTracer } from '../../core';

export type SdkTelemetryPolicy = 'suppress' | 'keep';

interface TracedClient {
  _tracer?: unknown;
  openTelemetry?: { traces?: { contentMode?: unknown } };
}

/** The real SDK tracer of a client while one of the windows below has swapped it out. */
const realTracers = new WeakMap<object, unknown>();

/** The client's SDK tracer (its own, even inside a window that swapped it); undefined when SDK tracing is off. */
function sdkTracerOf(client: TracedClient): unknown {
  return realTracers.has(client) ? realTracers.get(client) : client._tracer;
}

/** Runs `fn` (synchronous) with the client's SDK tracer replaced by `replacement`, then puts it back. */
function withSdkTracer<T>(client: TracedClient, replacement: Tracer | undefined, fn: () => T): T {
  const real = sdkTracerOf(client);
  if (!real) return fn();
  const own = Object.prototype.hasOwnProperty.call(client, '_tracer');
  const previous = client._tracer;
  const nested = realTracers.has(client);
  realTracers.set(client, real);
  client._tracer = replacement;
  try {
    return fn();
  } finally {
    if (own) client._tracer = previous;
    else delete client._tracer;
    if (!nested) realTracers.delete(client);
  }
}

/** Whether the client's own SDK spans would carry message content. */
export function sdkRecordsContent(client: unknown): boolean {
  try {
    return (client as TracedClient | undefined)?.openTelemetry?.traces?.contentMode === 'content';
  } catch {
    return false;
  }
}

/** Whether the SDK's own span is suppressed for a call of this client under `policy`. */
export function suppressesSdkSpans(policy: SdkTelemetryPolicy, client: unknown): boolean {
  return policy !== 'keep' || sdkRecordsContent(client);
}

/**
 * The synchronous part of a create call we record: with the SDK's span suppressed, the SDK traces it with
 * the non-recording tracer (in our span's context, so it propagates our trace context).
 */
export function runCreate<T>(client: unknown, suppress: boolean, fn: () => T): T {
  if (!suppress || !client || typeof client !== 'object') return fn();
  return withSdkTracer(client as TracedClient, nonRecordingTracer, fn);
}

/**
 * The synchronous part of a stream helper (messages.stream, beta.messages.stream): with the SDK's span
 * suppressed, the helper starts none (it would start it outside our span); the create call it makes
 * inside runs through runCreate.
 */
export function runStreamHelper<T>(client: unknown, suppress: boolean, fn: () => T): T {
  if (!suppress || !client || typeof client !== 'object') return fn();
  return withSdkTracer(client as TracedClient, undefined, fn);
}
