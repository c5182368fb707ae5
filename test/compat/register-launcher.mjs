/*
 * Zero-code start on an OpenTelemetry line: started by scripts/test-otel-lines.mjs as
 *   node register-launcher.mjs <line> <esm|cjs>
 * from .cache/otel-lines/<line>/. Starts the mock OpenAI server and a loopback OTLP/HTTP JSON receiver,
 * runs register-target.{mjs,cjs} under `--import` / `-r opentelemetry-instrumentation-genai/register`
 * (the line's own @opentelemetry/sdk-node is what the hook loads), and checks that the chat span, the
 * metrics and the details event arrived. Prints `<line> register-<kind>: ok|FAILED`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { finish, runMain, startMockServer } = require('./compat-common.cjs');
const [line, kind] = process.argv.slice(2);
const label = `${line} register-${kind}`;

function startReceiver() {
  const received = { spans: [], metrics: [], events: [] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = JSON.parse(body || '{}');
      const scopes = (key, inner) => (json[key] ?? []).flatMap((r) => r[inner] ?? []);
      if (req.url === '/v1/traces') received.spans.push(...scopes('resourceSpans', 'scopeSpans').flatMap((s) => s.spans ?? []));
      if (req.url === '/v1/metrics') received.metrics.push(...scopes('resourceMetrics', 'scopeMetrics').flatMap((s) => s.metrics ?? []));
      if (req.url === '/v1/logs') received.events.push(...scopes('resourceLogs', 'scopeLogs').flatMap((s) => s.logRecords ?? []));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ received, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })),
  );
}

runMain(label, async () => {
  const mock = await startMockServer();
  const receiver = await startReceiver();
  const args = kind === 'esm'
    ? ['--import', 'opentelemetry-instrumentation-genai/register', './register-target.mjs']
    : ['-r', 'opentelemetry-instrumentation-genai/register', './register-target.cjs'];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      MOCK_BASE_URL: mock.baseURL,
      OTEL_SERVICE_NAME: 'compat-register',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_AND_EVENT',
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? s)));
  receiver.close();
  await mock.close();

  const { spans, metrics, events } = receiver.received;
  const problems = [];
  if (code !== 0 || output.trim() !== 'hi there') problems.push(`app exited ${code} with output ${JSON.stringify(output)}`);
  const attr = (span, key) => span.attributes.find((a) => a.key === key)?.value;
  const chat = spans.filter((s) => s.name === 'chat gpt-4o-mini');
  if (chat.length !== 1) problems.push(`expected one chat span, got ${JSON.stringify(spans.map((s) => s.name))}`);
  else if (attr(chat[0], 'gen_ai.response.id')?.stringValue !== 'chatcmpl-compat-1') problems.push('chat span lacks gen_ai.response.id');
  const metricNames = [...new Set(metrics.map((m) => m.name))].sort().join(',');
  if (metricNames !== 'gen_ai.client.operation.duration,gen_ai.client.token.usage') problems.push(`metrics: ${metricNames}`);
  if (events.map((e) => e.eventName).join(',') !== 'gen_ai.client.inference.operation.details') problems.push(`events: ${JSON.stringify(events.map((e) => e.eventName))}`);
  finish(label, problems, { spans: spans.length, metrics: metrics.length, events: events.length });
});
