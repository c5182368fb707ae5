/*
 * Content on the details log record with the logs SDKs before and at 0.211.0, the first
 * @opentelemetry/sdk-logs that keeps array/map log attributes (before it, an array of maps is dropped
 * with only a diag message). Run by scripts/test-otel-lines.mjs from .cache/otel-lines/otel-2.x-logs-0.210/,
 * where @opentelemetry/sdk-logs and sdk-node are 0.210.0 and `sdk-logs-0.211` is @opentelemetry/sdk-logs@0.211.0.
 *
 *   node app-logs-sdk.cjs <scenario>
 *
 * Scenarios (content to events only, EVENT_ONLY; two chat calls each):
 *   logger-provider-0.210   sdk-logs 0.210.0's LoggerProvider: content as JSON strings, one Node warning
 *   nodesdk-0.210           NodeSDK 0.210.0 (its own sdk-logs 0.210.0): the same
 *   logger-provider-0.211   sdk-logs 0.211.0's LoggerProvider: structured content, no warning
 * Each also checks that the probe left no record behind (exactly one record per call) and that the span
 * carries no content.
 */
'use strict';
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const sdkTrace = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { getGenAIInstrumentations } = require('opentelemetry-instrumentation-genai');
const { EVENT_NAME, chatOnce, finish, isWrapped, pkgVersion, runMain, startMockServer } = require('./compat-common.cjs');

const WARNING_CODE = 'OTEL_GENAI_LOGS_SDK_DROPS_STRUCTURED';
const INPUT = [{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }];
const OUTPUT = [{ role: 'assistant', parts: [{ type: 'text', content: 'hi there' }], finish_reason: 'stop' }];
const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'];

const SCENARIOS = {
  'logger-provider-0.210': { sdkLogs: '@opentelemetry/sdk-logs', version: '0.210.0', structured: false },
  'nodesdk-0.210': { sdkLogs: '@opentelemetry/sdk-logs', version: '0.210.0', structured: false, nodeSdk: true },
  'logger-provider-0.211': { sdkLogs: 'sdk-logs-0.211', version: '0.211.0', structured: true },
};

const scenario = process.argv[2];
const label = `otel-2.x-logs-0.210 ${scenario}`;
const warnings = [];
process.on('warning', (w) => warnings.push(w));

runMain(label, async () => {
  const s = SCENARIOS[scenario];
  if (!s) throw new Error(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
  const problems = [];
  const expectEq = (what, actual, expected) => {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) problems.push(`${what}: expected ${e}, got ${a}`);
  };
  // The line must be what this app is about.
  expectEq(`${s.sdkLogs} version`, versionAbove(require.resolve(s.sdkLogs), '@opentelemetry/sdk-logs'), s.version);
  if (s.nodeSdk) expectEq('@opentelemetry/sdk-node version', pkgVersion('@opentelemetry/sdk-node'), '0.210.0');

  const sdkLogs = require(s.sdkLogs);
  const spanExporter = new sdkTrace.InMemorySpanExporter();
  const logExporter = new sdkLogs.InMemoryLogRecordExporter();
  const instrumentations = getGenAIInstrumentations({ captureMessageContent: 'EVENT_ONLY' });
  let shutdown;
  if (s.nodeSdk) {
    // Metrics are not looked at here; left on, NodeSDK exports them over OTLP to localhost, retrying at shutdown.
    process.env.OTEL_METRICS_EXPORTER = 'none';
    const { NodeSDK } = require('@opentelemetry/sdk-node');
    // NodeSDK 0.210.0 builds its LoggerProvider from its own sdk-logs 0.210.0: hand it that one's processor.
    const nodeSdkLogsEntry = require.resolve('@opentelemetry/sdk-logs', { paths: [require.resolve('@opentelemetry/sdk-node')] });
    expectEq("sdk-node's own sdk-logs", versionAbove(nodeSdkLogsEntry, '@opentelemetry/sdk-logs'), '0.210.0');
    const nodeSdkLogs = require(nodeSdkLogsEntry);
    const sdk = new NodeSDK({
      spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)],
      logRecordProcessors: [new nodeSdkLogs.SimpleLogRecordProcessor(logExporter)],
      instrumentations,
      resourceDetectors: [],
    });
    sdk.start();
    shutdown = () => sdk.shutdown();
  } else {
    const tracerProvider = new NodeTracerProvider({ spanProcessors: [new sdkTrace.SimpleSpanProcessor(spanExporter)] });
    // 0.210.0 and 0.211.0 processors take the exporter itself.
    const loggerProvider = new sdkLogs.LoggerProvider({ processors: [new sdkLogs.SimpleLogRecordProcessor(logExporter)] });
    registerInstrumentations({ instrumentations, tracerProvider, loggerProvider });
    shutdown = () => Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
  }

  const OpenAI = require('openai');
  const mock = await startMockServer();
  try {
    expectEq('reply 1', await chatOnce(OpenAI, mock.baseURL), 'hi there');
    expectEq('reply 2', await chatOnce(OpenAI, mock.baseURL), 'hi there');
    // 'warning' is emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    if (!isWrapped(OpenAI.Chat.Completions.prototype.create)) problems.push('openai chat.completions.create is not wrapped');

    const spans = spanExporter.getFinishedSpans();
    expectEq('span names', spans.map((sp) => sp.name), ['chat gpt-4o-mini', 'chat gpt-4o-mini']);
    for (const sp of spans) expectEq('content on the span (EVENT_ONLY)', CONTENT_ATTRIBUTES.filter((k) => k in sp.attributes), []);

    const records = logExporter.getFinishedLogRecords();
    expectEq('log records (one per call, no probe record)', records.map((r) => r.eventName), [EVENT_NAME, EVENT_NAME]);
    for (const [i, r] of records.entries()) {
      const input = r.attributes['gen_ai.input.messages'];
      const output = r.attributes['gen_ai.output.messages'];
      if (s.structured) {
        expectEq(`record ${i} gen_ai.input.messages`, input, INPUT);
        expectEq(`record ${i} gen_ai.output.messages`, output, OUTPUT);
      } else {
        expectEq(`record ${i} gen_ai.input.messages type`, typeof input, 'string');
        expectEq(`record ${i} gen_ai.input.messages`, parse(input), INPUT);
        expectEq(`record ${i} gen_ai.output.messages`, parse(output), OUTPUT);
      }
      expectEq(`record ${i} span id`, r.spanContext?.spanId, spans[i]?.spanContext().spanId);
    }
    const ours = warnings.filter((w) => w.code === WARNING_CODE);
    expectEq('Node warnings with our code', ours.length, s.structured ? 0 : 1);
    if (ours[0] && !/sdk-logs before 0\.211\.0/.test(ours[0].message)) problems.push(`warning text: ${ours[0].message}`);
  } finally {
    await mock.close();
    await shutdown();
  }
  finish(label, problems, { sdkLogs: s.version, warnings: warnings.map((w) => w.code ?? w.name) });
});

function parse(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** The version in the nearest package.json named `name` above a resolved file. */
function versionAbove(file, name) {
  const fs = require('node:fs');
  const path = require('node:path');
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkgFile = path.join(dir, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (pkg.name === name) return pkg.version;
  }
  return undefined;
}
