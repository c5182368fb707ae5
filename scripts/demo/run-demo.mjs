// `npm run demo`: runs the support-assistant example under the zero-code hook
// (`node --import opentelemetry-instrumentation-genai/register`) with the bundled mock LLM, exports to a
// local OTLP receiver (no collector needed) and prints the logged calls.
//
// `npm run demo:jaeger`: the same through a real OpenTelemetry Collector (collector-config/jaeger.yaml)
// into a real Jaeger v2, both built from Go modules on first use (see scripts/backends/); prints the
// calls as read back from Jaeger, the Jaeger links and the query that finds the v2 calls, then keeps
// both running until Ctrl-C (`--exit` stops them at once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../backends/paths.mjs';
import { formatCallsTable, modelCallSpans } from './calls-table.mjs';
import { countOtherSignals, spansFromOtlp, startOtlpReceiver } from './otlp-receiver.mjs';
import { envWithout, runSupportAssistant } from './support-assistant-app.mjs';

const SERVICE = process.env.OTEL_SERVICE_NAME || 'support-assistant';
const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
const args = new Set(process.argv.slice(2));

/** Runs the example app under the register hook, exporting per `otlpEnv`; resolves with its report. */
async function runApp(otlpEnv, work) {
  const env = {
    ...envWithout(['OTEL_EXPORTER_OTLP_']),
    OTEL_SERVICE_NAME: SERVICE,
    [CAPTURE_ENV]: process.env[CAPTURE_ENV] ?? 'SPAN_AND_EVENT',
    ...otlpEnv,
  };
  const { report, output } = await runSupportAssistant({ env, reportPath: join(work, 'report.json') });
  if (output) process.stdout.write(output);
  return report;
}

function printHeader(where) {
  console.log(`support-assistant → ${where}; content capture ${process.env[CAPTURE_ENV] ?? 'SPAN_AND_EVENT'} (set ${CAPTURE_ENV}=NO_CONTENT to turn it off)\n`);
}

async function localDemo(work) {
  const receiver = await startOtlpReceiver();
  try {
    printHeader(`local OTLP receiver ${receiver.endpoint}`);
    const report = await runApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, work);
    const spans = spansFromOtlp(receiver.received.resourceSpans);
    const { metricPoints, events } = countOtherSignals(receiver.received);
    console.log(formatCallsTable(spans));
    console.log(
      `\n${modelCallSpans(spans).length} model calls logged (the app made ${report.llmCalls.total}: v1 ${report.llmCalls.v1}, v2 ${report.llmCalls.v2}), ` +
        `${spans.length} spans in all, ${metricPoints} metric data points, ${events} events.`,
    );
  } finally {
    await receiver.close();
  }
}

async function jaegerDemo(work) {
  const { ensureBackends } = await import('../backends/build.mjs');
  const { startCollector, startJaeger, PORTS } = await import('../backends/processes.mjs');
  const { JAEGER_URL, searchTraces, spansOf, waitForSpans } = await import('../backends/jaeger-query.mjs');

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
    const spans = spansOf(await searchTraces({ service: SERVICE, tags: runTag })).map((s) => ({
      startMs: s.startTime / 1000,
      durationMs: s.duration / 1000,
      attributes: s.attributes,
    }));
    console.log(formatCallsTable(spans));
    const v2Tags = JSON.stringify({ 'gen_ai.prompt.version': 'v2' });
    const search = new URL('/search', JAEGER_URL);
    search.searchParams.set('service', SERVICE);
    search.searchParams.set('tags', v2Tags);
    console.log(`
${modelCallSpans(spans).length} model calls read back from Jaeger (the app made ${report.llmCalls.total}).

Jaeger search for the v2 calls: ${search}
  (this Jaeger is built from Go modules without the UI's assets, so its page is a placeholder; the same
   link works on any Jaeger with the UI, and the API below works here)
The query behind it:
  curl -sG '${JAEGER_URL}/api/traces' --data-urlencode 'service=${SERVICE}' --data-urlencode 'tags=${v2Tags}'
`);
    if (!args.has('--exit')) {
      console.log('Jaeger and the collector keep running; Ctrl-C stops them.');
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await collector?.stop();
    await jaeger.stop();
  }
}

const work = mkdtempSync(join(tmpdir(), 'genai-demo-'));
try {
  await (args.has('--jaeger') ? jaegerDemo(work) : localDemo(work));
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
