// `npm run demo`: runs the support-assistant example under the zero-code hook
// (`node --import opentelemetry-instrumentation-genai/register`) with the bundled mock LLM, exports to a
// local OTLP receiver (no collector needed), prints the logged calls and the full record of the v2 call
// the scenario is about, and saves what it received (OTLP JSON) for `npm run calls` (scripts/demo/calls.mjs).
//   --out <file>  where to save it (default .cache/demo/telemetry.json)
//   --mock        the bundled mock LLM even when OPENAI_API_KEY is set (with it set, the app uses the real API)
//
// `npm run demo:jaeger` (--jaeger): the same through a real OpenTelemetry Collector
// (collector-config/jaeger.yaml) into a real Jaeger v2, both built from Go modules on first use (see
// scripts/backends/; its ports are checked before that build); prints the calls as read back from Jaeger
// and the `npm run calls` commands that read them, then keeps both running until Ctrl-C (`--exit` stops
// them at once).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../backends/paths.mjs';
import { DEMO_TELEMETRY_FILE, USER_CWD, shownPath as shown } from './calls.mjs';
import { formatCallRecord, formatCallsTable, modelCallSpans, preview, spansFromJaeger, spansFromOtlpData } from './calls-table.mjs';
import { countOtherSignals, startOtlpReceiver } from './otlp-receiver.mjs';
import { envWithout, runSupportAssistant } from './support-assistant-app.mjs';

const SERVICE = process.env.OTEL_SERVICE_NAME || 'support-assistant';
const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
let opts;
try {
  ({ values: opts } = parseArgs({
    options: { jaeger: { type: 'boolean' }, exit: { type: 'boolean' }, mock: { type: 'boolean' }, out: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  console.error(`demo: ${error.message} (options: --mock, --out <file>; with --jaeger: --exit)`);
  process.exit(1);
}
// What the example does: the real API when OPENAI_API_KEY is set (see examples/support-assistant/main.mjs).
const realApi = Boolean(process.env.OPENAI_API_KEY) && !opts.mock;

/** Runs the example app under the register hook, exporting per `otlpEnv`; resolves with its report. */
async function runApp(otlpEnv, work) {
  const env = {
    ...envWithout(['OTEL_EXPORTER_OTLP_', ...(opts.mock ? ['OPENAI_API_KEY'] : [])]),
    OTEL_SERVICE_NAME: SERVICE,
    [CAPTURE_ENV]: process.env[CAPTURE_ENV] ?? 'SPAN_AND_EVENT',
    ...otlpEnv,
  };
  const { report, output } = await runSupportAssistant({ env, reportPath: join(work, 'report.json') });
  if (output) process.stdout.write(output);
  return report;
}

function printHeader(where) {
  console.log(`support-assistant → ${where}; content capture ${process.env[CAPTURE_ENV] ?? 'SPAN_AND_EVENT'} (set ${CAPTURE_ENV}=NO_CONTENT to turn it off)`);
  if (realApi) {
    const baseURL = process.env.OPENAI_BASE_URL || 'https://api.openai.com/v1';
    console.log(
      `OPENAI_API_KEY is set: the app calls the OpenAI API at ${baseURL} (model ${process.env.OPENAI_MODEL || 'gpt-4o-mini'}), not the bundled mock; ` +
        `\`npm run demo -- --mock\` uses the mock.`,
    );
  }
  console.log('');
}

/**
 * The record of the call the scenario is about: v2's answer to the opened-item question (the first
 * question, `-v2-q1`), whose prompt lost the restocking-fee clause, and v1's answer to compare.
 */
function printWrongAnswer(spans) {
  const calls = modelCallSpans(spans);
  const first = (suffix) => calls.find((s) => String(s.attributes['gen_ai.conversation.id'] ?? '').endsWith(suffix));
  const v2 = first('-v2-q1');
  if (!v2) return;
  console.log(`\nRow ${calls.indexOf(v2) + 1} in full: the v2 answer to the opened-item question (v2's prompt lost v1's restocking-fee clause):\n`);
  console.log(formatCallRecord(v2, spans));
  const v1 = first('-v1-q1');
  const v1Answer = v1 && preview(v1.attributes)?.answer;
  if (v1Answer) console.log(`\nRow ${calls.indexOf(v1) + 1}, v1's answer to the same question: ${v1Answer}`);
}

async function localDemo(work) {
  const receiver = await startOtlpReceiver();
  let received;
  let report;
  try {
    printHeader(`local OTLP receiver ${receiver.endpoint}`);
    report = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, work);
    received = receiver.received;
  } finally {
    await receiver.close();
  }
  const spans = spansFromOtlpData(received);
  const { metricPoints, events } = countOtherSignals(received);
  console.log(formatCallsTable(spans));
  console.log(
    `\n${modelCallSpans(spans).length} model calls logged (the app made ${report.llmCalls.total}: v1 ${report.llmCalls.v1}, v2 ${report.llmCalls.v2}), ` +
      `${spans.length} spans in all, ${metricPoints} metric data points, ${events} events.`,
  );
  printWrongAnswer(spans);

  const out = opts.out ? resolve(USER_CWD, opts.out) : DEMO_TELEMETRY_FILE;
  mkdirSync(dirname(out), { recursive: true });
  const { resourceSpans, resourceMetrics, resourceLogs } = received;
  writeFileSync(out, `${JSON.stringify({ resourceSpans, resourceMetrics, resourceLogs }, null, 1)}\n`);
  const calls = opts.out ? `npm run calls -- --file ${shown(out)}` : 'npm run calls --';
  console.log(`
All the telemetry received (OTLP JSON: spans, metrics, events) is saved in ${shown(out)}${opts.out ? '' : ' (the next run replaces it)'}.
The table again:   ${opts.out ? calls : 'npm run calls'}
Any call in full:  ${calls} --show <row or response id>`);
}

async function jaegerDemo(work) {
  const { ensureBackends } = await import('../backends/build.mjs');
  const { assertPortFree, startCollector, startJaeger, PORTS } = await import('../backends/processes.mjs');
  const { JAEGER_URL, searchTraces, waitForSpans } = await import('../backends/jaeger-query.mjs');

  // Ports first: a port in use fails now, not after a build of several minutes.
  const roles = {
    jaegerQuery: 'Jaeger query HTTP',
    jaegerQueryGrpc: 'Jaeger query gRPC',
    jaegerOtlpGrpc: 'Jaeger OTLP gRPC',
    jaegerOtlpHttp: 'Jaeger OTLP HTTP',
    collectorOtlpGrpc: 'collector OTLP gRPC',
    collectorOtlpHttp: 'collector OTLP HTTP',
    collectorHealth: 'collector health check',
  };
  for (const [name, port] of Object.entries(PORTS)) await assertPortFree(port, roles[name] ?? name);
  const { built, seconds } = await ensureBackends({ log: (m) => console.log(`[backends] ${m}`) });
  console.log(`[backends] ${built ? 'built' : 'cached'} (collector ${seconds.collector} s, jaeger ${seconds.jaeger} s)`);
  const jaeger = await startJaeger({ dataDir: join(work, 'jaeger-data'), logDir: work });
  let collector;
  try {
    collector = await startCollector({
      config: join(ROOT, 'collector-config/jaeger.yaml'),
      env: { JAEGER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.jaegerOtlpHttp}`, OTELCOL_STORAGE_DIR: join(work, 'collector-queue') },
      logDir: work,
    });
    printHeader(`collector 127.0.0.1:${PORTS.collectorOtlpHttp} → Jaeger ${JAEGER_URL}`);
    const report = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.collectorOtlpHttp}` }, work);
    const runTag = { 'genai_app.run_id': report.runId };
    await waitForSpans({
      service: SERVICE,
      tags: { ...runTag, 'gen_ai.provider.name': 'openai' },
      until: (spans) => spans.length >= report.llmCalls.total,
    });
    const spans = spansFromJaeger(await searchTraces({ service: SERVICE, tags: runTag }));
    console.log(formatCallsTable(spans));
    console.log(`\n${modelCallSpans(spans).length} model calls read back from Jaeger (the app made ${report.llmCalls.total}).`);
    printWrongAnswer(spans);
    const v2 = `npm run calls -- --jaeger ${JAEGER_URL} --service ${SERVICE} --tag gen_ai.prompt.version=v2`;
    const search = new URL('/search', JAEGER_URL);
    search.searchParams.set('service', SERVICE);
    search.searchParams.set('tags', JSON.stringify({ 'gen_ai.prompt.version': 'v2' }));
    console.log(`
The v2 calls, read from Jaeger's query API (the same command works on any Jaeger: its URL, your service, your tags):
  ${v2}
One of them in full:
  ${v2} --show 1
In a Jaeger with its UI: ${search}
  (this Jaeger is built from Go modules without the UI's assets: its page is a placeholder, its API works)
`);
    if (!opts.exit) {
      console.log('Jaeger and the collector keep running; Ctrl-C stops them.');
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await collector?.stop();
    await jaeger.stop();
  }
}

/** One line for a failed run: the app's own one-line reason when it gave one, with what to do about it. */
function failure(error) {
  const lines = String(error.appOutput ?? '').trim().split('\n');
  const reason = lines.length === 1 && /^support-assistant failed: (.+)$/.exec(lines[0])?.[1];
  if (!reason) return error.message;
  return realApi ? `${reason}; \`npm run demo -- --mock\` uses the bundled mock instead of the API` : reason;
}

const work = mkdtempSync(join(tmpdir(), 'genai-demo-'));
try {
  await (opts.jaeger ? jaegerDemo(work) : localDemo(work));
} catch (error) {
  console.error(`demo failed: ${failure(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
