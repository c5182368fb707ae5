/*
 * Keeping other tracers' duplicate spans of a call we record out of the trace, without breaking context
 * propagation: an SDK's own built-in tracing (Anthropic) or another instrumentation of the same call
 * (@opentelemetry/instrumentation-aws-sdk for Bedrock). Providers decide when; the span mechanics live here.
 */
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, context, createContextKey, trace } from '@opentelemetry/api';

/**
 * A tracer that records nothing; its spans carry the context active where they start (as the no-op
 * tracer's do), so a `traceparent` sent under them is that of the span we recorded.
 */
export const nonRecordingTracer: Tracer = {
  startSpan(_name: string, options?: SpanOptions, ctx?: Context): Span {
    if (options?.root) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = trace.getSpanContext(ctx ?? context.active());
    return trace.wrapSpanContext(parent && trace.isSpanContextValid(parent) ? parent : INVALID_SPAN_CONTEXT);
  },
  startActiveSpan(name: string, ...args: unknown[]): unknown {
    const fn = args[args.length - 1] as (span: Span) => unknown;
    const options = (args.length >= 2 ? args[0] : undefined) as SpanOptions | undefined;
    const parent = (args.length >= 3 ? args[1] : undefined) as Context | undefined;
    const ctx = parent ?? context.active();
    const span = nonRecordingTracer.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), fn, undefined, span);
  },
} as Tracer;

/** `@opentelemetry/core`'s suppress-tracing key (createContextKey uses Symbol.for: every copy agrees). */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/**
 * `ctx` with tracing suppressed, as `@opentelemetry/core`'s suppressTracing does (without depending on
 * that package): instrumentations that honour it start non-recording spans and skip their metrics.
 */
export function withTracingSuppressed(ctx: Context): Context {
  return ctx.setValue(SUPPRESS_TRACING_KEY, true);
}
