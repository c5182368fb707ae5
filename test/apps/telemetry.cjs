/*
 * Shared by the module-system apps: a real OpenTelemetry SDK (2.x line, the repo's devDependencies)
 * with in-memory exporters, and a dump of what was recorded. CommonJS so that both the CJS app and the
 * ESM preload can load it.
 */
'use strict';
const sdkTrace = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const sdkMetrics = require('@opentelemetry/sdk-metrics');
const sdkLogs = require('@opentelemetry/sdk-logs');
// SDK-free helpers shared with the OpenTelemetry-line compat apps.
const { inMemoryExporters, isWrapped } = require('../compat/compat-common.cjs');

/** Marks the one stdout line the jest test parses. */
const RESULT_MARKER = 'GENAI_APP_RESULT ';

function setupSdk() {
  const { spanExporter, metricReader, logExporter } = inMemoryExporters({ sdkTrace, sdkMetrics, sdkLogs });
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)] });
  // register(): global tracer provider, propagator and the AsyncLocalStorage context manager.
  tracerProvider.register();
  const meterProvider = new sdkMetrics.MeterProvider({ readers: [metricReader] });
  const loggerProvider = new sdkLogs.LoggerProvider({ processors: [new sdkLogs.SimpleLogRecordProcessor({ exporter: logExporter })] });

  async function collect() {
    const { resourceMetrics } = await metricReader.collect();
    const metrics = [];
    for (const sm of resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) metrics.push({ name: m.descriptor.name, scope: sm.scope.name, points: m.dataPoints.length });
    }
    return {
      spans: spanExporter.getFinishedSpans().map((s) => ({
        name: s.name,
        kind: s.kind,
        scope: s.instrumentationScope.name,
        status: s.status,
        attributes: s.attributes,
      })),
      metrics,
      logs: logExporter.getFinishedLogRecords().map((l) => ({ eventName: l.eventName, attributes: l.attributes })),
    };
  }

  async function shutdown() {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
  }

  return { tracerProvider, meterProvider, loggerProvider, collect, shutdown };
}

/** One chat call and one streamed chat call, with the client class the app imported. */
async function makeCalls(OpenAI, baseURL) {
  const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const chat = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
    temperature: 0.5,
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  return { chatText: chat.choices[0].message.content, streamedText: streamed };
}

function printResult(result) {
  process.stdout.write(RESULT_MARKER + JSON.stringify(result) + '\n');
}

module.exports = { RESULT_MARKER, setupSdk, makeCalls, isWrapped, printResult };
