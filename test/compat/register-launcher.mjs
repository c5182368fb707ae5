/*
 * Zero-code start on an OpenTelemetry line: started by scripts/test-otel-lines.mjs as
 *   node register-launcher.mjs <line> <esm|cjs>
 * from .cache/otel-lines/<line>/. Starts the mock OpenAI server and a loopback OTLP/HTTP JSON receiver,
 * runs register-target.{mjs,cjs} under `--import` / `-r opentelemetry-instrumentation-genai/register`
 * (the line's own @opentelemetry/sdk-node is what the hook loads), and checks that the chat span, the
 * metrics and the details event arrived. Prints `<line> register-<kind>: ok|FAILED`.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
// scripts/demo/otlp-receiver.mjs, copied in beside this file by scripts/test-otel-lines.mjs.
import { spansFromOtlp, startOtlpReceiver } from './otlp-receiver.mjs';

const require = createRequire(import.meta.url);
const { finish, runMain, startMockServer } = require('./compat-common.cjs');
const [line, kind] = process.argv.slice(2);
const label = `${line} register-${kind}`;

runMain(label, async () => {
  const mock = await startMockServer();
  const receiver = await startOtlpReceiver();
  const args = kind === 'esm'
    ? ['--import', 'opentelemetry-instrumentation-genai/register', './register-target.mjs']
    : ['-r', 'opentelemetry-instrumentation-genai/register', './register-target.cjs'];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      MOCK_BASE_URL: mock.baseURL,
      OTEL_SERVICE_NAME: 'compat-register',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_AND_EVENT',
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? s)));
  await receiver.close();
  await mock.close();

  const { resourceSpans, resourceMetrics, resourceLogs } = receiver.received;
  const spans = spansFromOtlp(resourceSpans);
  const metrics = resourceMetrics.flatMap((r) => r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []);
  const events = resourceLogs.flatMap((r) => r.scopeLogs ?? []).flatMap((s) => s.logRecords ?? []);
  const problems = [];
  if (code !== 0 || output.trim() !== 'hi there') problems.push(`app exited ${code} with output ${JSON.stringify(output)}`);
  const chat = spans.filter((s) => s.name === 'chat gpt-4o-mini');
  if (chat.length !== 1) problems.push(`expected one chat span, got ${JSON.stringify(spans.map((s) => s.name))}`);
  else if (chat[0].attributes['gen_ai.response.id'] !== 'chatcmpl-compat-1') problems.push('chat span lacks gen_ai.response.id');
  const metricNames = [...new Set(metrics.map((m) => m.name))].sort().join(',');
  if (metricNames !== 'gen_ai.client.operation.duration,gen_ai.client.token.usage') problems.push(`metrics: ${metricNames}`);
  if (events.map((e) => e.eventName).join(',') !== 'gen_ai.client.inference.operation.details') problems.push(`events: ${JSON.stringify(events.map((e) => e.eventName))}`);
  finish(label, problems, { spans: spans.length, metrics: metrics.length, events: events.length });
});
