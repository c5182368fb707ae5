/*
 * The AI SDK's own OpenTelemetry spans. `ai` 7 makes none itself: an app that wants them registers the
 * `@ai-sdk/otel` integration (`registerTelemetry(new OpenTelemetry())`, or per call
 * `telemetry: { integrations: [...] }`), which starts its own `invoke_agent` / `chat {model}` /
 * `execute_tool {name}` / `embeddings {model}` spans for the same calls this package records.
 *
 * Policy (`aiSdkTelemetry` option):
 *   'suppress' (default): the globally registered @ai-sdk/otel integrations (`globalThis.
 *      AI_SDK_TELEMETRY_INTEGRATIONS`, where registerTelemetry puts them) get a tracer that records
 *      nothing, while this instrumentation is enabled, so each call has one set of GenAI spans: ours (with
 *      this package's capture mode, redaction and size limits). Their callbacks still run (and their
 *      metrics are still recorded); their spans carry the context of the span active where they start, so
 *      trace context still flows. Put back on disable() or with 'keep'.
 *   'keep': their spans are kept too (two GenAI spans per model call).
 * An integration passed per call (`telemetry.integrations`) is not visible on the telemetry channel: it is
 * never suppressed; pass `{ tracer }` of a non-recording provider there, or register it globally.
 */
import type { Tracer } from '@opentelemetry/api';
import { nonRecordingTracer } from '../../core';

export type AiSdkTelemetryPolicy = 'suppress' | 'keep';

interface OtelIntegration {
  tracer?: Tracer;
}

/** The real tracer of each integration whose tracer was swapped. */
const realTracers = new WeakMap<object, Tracer | undefined>();

/** @ai-sdk/otel's OpenTelemetry / LegacyOpenTelemetry: a Telemetry integration with a `tracer` of its own. */
function isOtelIntegration(value: unknown): value is OtelIntegration {
  const o = value as { tracer?: { startSpan?: unknown }; onLanguageModelCallStart?: unknown; onStart?: unknown } | null;
  return !!o && typeof o === 'object' && typeof o.tracer?.startSpan === 'function' && (typeof o.onLanguageModelCallStart === 'function' || typeof o.onStart === 'function');
}

function globalIntegrations(): unknown[] {
  const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
  return Array.isArray(list) ? list : [];
}

/** Applies `policy` to the globally registered integrations (cheap: called as each AI SDK call starts). */
export function applyAiSdkTelemetryPolicy(policy: AiSdkTelemetryPolicy): void {
  for (const integration of globalIntegrations()) {
    if (!isOtelIntegration(integration)) continue;
    const swapped = realTracers.has(integration);
    if (policy === 'suppress' && !swapped) {
      realTracers.set(integration, integration.tracer);
      integration.tracer = nonRecordingTracer;
    } else if (policy === 'keep' && swapped) restore(integration);
  }
}

/** Puts every swapped tracer back. */
export function restoreAiSdkTelemetry(): void {
  for (const integration of globalIntegrations()) if (isOtelIntegration(integration) && realTracers.has(integration)) restore(integration);
}

function restore(integration: OtelIntegration): void {
  integration.tracer = realTracers.get(integration);
  realTracers.delete(integration);
}
