/*
 * The SDK floor's capture and replay, shared by bench/sdk-floor.mjs (the SDK calls alone, in a warm loop)
 * and bench/providers.mjs (its `floor` arm: the same SDK calls around an uninstrumented SDK call).
 *
 * Capture: one real instrumented call, with the instrumentation's four histograms' `record` wrapped for
 * that call (value, attribute set, instrument), then the span and the log record it exported (one span,
 * at most one log record: the details event). Replay: exactly those OpenTelemetry SDK calls again, through
 * the same providers and the same instruments: `startSpan` (same instrumentation scope, name, kind and
 * attributes; span events and status too when the call had any), the log record `emit` (same scope,
 * event name, severity and attributes, in the replayed span's context, as the instrumentation emits it),
 * `span.end()`, and every histogram record with its value and attributes. Nothing of the instrumentation
 * runs: no translation of the request or the response, no content conversion, redaction or truncation, no
 * `context.with` around the SDK call.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SpanStatusCode, context, trace } = require('@opentelemetry/api');

/**
 * Runs `call` (one instrumented call, then a flush of the pipelines) with the histograms of `instruments`
 * (an instrumentation's `instruments`: name → Histogram) recording what they are given; returns the
 * captured SDK calls: `{ span, log, records }`, `records` as `[histogram, value, attributes]` in order.
 * Throws unless the call exported exactly one span (and at most one log record).
 */
export async function captureSdkCalls(instruments, { spanExporter, logExporter }, call) {
  const records = [];
  for (const hist of Object.values(instruments)) {
    const record = hist.record; // the prototype's method
    hist.record = function (value, attributes, ctx) {
      records.push([hist, value, { ...attributes }]);
      return record.call(this, value, attributes, ctx);
    };
  }
  const spans0 = spanExporter.count;
  const logs0 = logExporter.count;
  try {
    await call();
  } finally {
    for (const hist of Object.values(instruments)) delete hist.record; // back to the prototype's method
  }
  const spans = spanExporter.count - spans0;
  const logs = logExporter.count - logs0;
  if (spans !== 1 || logs > 1) throw new Error(`capturing SDK calls: the call exported ${spans} spans and ${logs} log records, expected 1 and 0 or 1`);
  if (records.length === 0) throw new Error('capturing SDK calls: the call recorded no histogram values');
  return { span: spanExporter.last, log: logs ? logExporter.last : undefined, records };
}

/** What a capture replays per call, in words: `span 17 attrs, event 19 attrs, 3 histogram records`. */
export function describeCapture({ span, log, records }) {
  const n = (o) => Object.keys(o ?? {}).length;
  return `span ${n(span.attributes)} attrs, ${log ? `event ${n(log.attributes)} attrs` : 'no event'}, ${records.length} histogram records`;
}

/** How many of the captured records went to `histogram` (e.g. the duration histogram: one per call). */
export const recordsOn = ({ records }, histogram) => records.filter(([hist]) => hist === histogram).length;

/**
 * The replay of a capture through `tracerProvider` and `loggerProvider` (the histograms are the captured
 * instruments themselves). `start()` starts the span; `finish(span)` emits the log record in its context,
 * ends it and makes the histogram records, in the instrumentation's order. `once()` is both, back to back.
 */
export function sdkReplay({ span, log, records }, { tracerProvider, loggerProvider }) {
  const scope = (s) => [s.name, s.version, s.schemaUrl === undefined ? undefined : { schemaUrl: s.schemaUrl }];
  const tracer = tracerProvider.getTracer(...scope(span.instrumentationScope));
  const spanOptions = { kind: span.kind, attributes: span.attributes };
  const spanEvents = span.events.map((e) => [e.name, e.attributes]);
  const status = span.status.code === SpanStatusCode.UNSET ? undefined : { ...span.status };
  const logger = log ? loggerProvider.getLogger(...scope(log.instrumentationScope)) : undefined;
  const logFields = log && { eventName: log.eventName, severityNumber: log.severityNumber, severityText: log.severityText, body: log.body, attributes: log.attributes };

  const start = () => tracer.startSpan(span.name, spanOptions);
  function finish(s) {
    for (const [name, attributes] of spanEvents) s.addEvent(name, attributes);
    if (status) s.setStatus(status);
    if (logger) logger.emit({ ...logFields, context: trace.setSpan(context.active(), s) });
    s.end();
    for (const [hist, value, attributes] of records) hist.record(value, attributes);
  }
  return { start, finish, once: () => finish(start()) };
}
