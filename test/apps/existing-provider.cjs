/*
 * Preload for the zero-code start tests: another party (the app, a vendor agent) registers its own tracer
 * provider before the register hook runs. At exit it prints the names of the spans it got.
 */
'use strict';
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
process.on('exit', () => {
  console.log(`existing provider spans: ${JSON.stringify(exporter.getFinishedSpans().map((s) => s.name))}`);
});
