// An app on the programmatic path of the durable export (test/integration/durable-export.test.ts): it
// builds its own tracer provider around createDurableExport() from the BUILT package (by name, through
// the package.json "exports" self-reference), then, by APP_MODE:
//   exit   ends APP_SPANS spans and calls process.exit(0) at once;
//   throw  ends APP_SPANS spans and dies of an uncaught exception;
//   send   ends none: it only sends what earlier processes left in the spool, and prints the outcome.
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { createDurableExport } = require('opentelemetry-instrumentation-genai');

if (typeof createDurableExport !== 'function') {
  console.error('opentelemetry-instrumentation-genai does not export createDurableExport');
  process.exit(3);
}

const durable = createDurableExport({ directory: process.env.SPOOL_DIR, traces: { url: process.env.TRACES_URL }, logs: false });
const provider = new BasicTracerProvider({ spanProcessors: [durable.spanProcessor] });

if (process.env.APP_MODE === 'send') {
  durable.flush(10_000).then(async (sent) => {
    process.stdout.write(`${JSON.stringify({ sent, stats: durable.stats() })}\n`);
    await provider.shutdown();
  });
} else {
  const tracer = provider.getTracer('durable-export-app');
  for (let i = 0; i < Number(process.env.APP_SPANS); i++) tracer.startSpan(`span-${i}`, { attributes: { index: i } }).end();
  if (process.env.APP_MODE === 'exit') process.exit(0);
  throw new Error('the app crashed');
}
