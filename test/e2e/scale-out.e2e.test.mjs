/*
 * The scale-out topology of collector-config/, end to end with real processes on loopback: the
 * support-assistant example under the register hook → the agent collector (agent.yaml: persistent queue,
 * load_balancing exporter routing by trace id over a static list of gateways) → two gateway collectors
 * (gateway-tier.yaml, each stamping collector.gateway.name on what it carries) → Jaeger v2.
 *
 * One gateway is killed (SIGKILL) while the app is making calls. With the static resolver the agent does not
 * re-route that gateway's share: it keeps it in its persistent queue and retries the same gateway. So the
 * test also restarts the agent during the outage (only the disk keeps that share then), brings the killed
 * gateway back, and then finds every call the app made in Jaeger, by response id. The negative control runs
 * the same outage with the exporter's defaults (in-memory queue per gateway), and that share is lost.
 *
 * Each gateway also writes what it receives to a file (a test-only `file` exporter added by a `yaml:` config
 * override): the agent re-sends a whole batch when one gateway fails, so the healthy gateway gets some spans
 * several times. Jaeger's query API hides those copies (it drops identical spans of a trace), so the copies
 * are counted from these files and printed, not asserted.
 *
 * The backends are built once by `node scripts/backends/build.mjs` (run by `npm run test:e2e`).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from '@jest/globals';
import { COLLECTOR_BIN, JAEGER_BIN, ROOT } from '../../scripts/backends/paths.mjs';
import { freePorts, startCollector, startJaeger } from '../../scripts/backends/processes.mjs';
import { searchTraces, spansOf, waitForSpans } from '../../scripts/backends/jaeger-query.mjs';
import { envWithout, runSupportAssistant } from '../../scripts/demo/support-assistant-app.mjs';

const run = promisify(execFile);
const SERVICE = 'support-assistant-scale-out';
const AGENT_CONFIG = join(ROOT, 'collector-config/agent.yaml');
const GATEWAY_CONFIG = join(ROOT, 'collector-config/gateway-tier.yaml');
const GATEWAYS = ['gateway-1', 'gateway-2'];
const KILLED = 'gateway-2';
const ROUNDS = 8; // 10 chat calls a round; with the pauses the app runs ~9 s, so the kill lands mid-run
const PAUSE_MS = 1000;
// The agent's retries back off from 5 s (agent.yaml), and gRPC's reconnects from 1 s: after the gateway is
// back, its share arrives within a few of those intervals.
const DELIVERY_TIMEOUT_MS = 45_000;
// The exporter's defaults instead of agent.yaml's choice: no queue or retry at the load_balancing level, an
// in-memory queue with retries in each per-gateway OTLP exporter.
const IN_MEMORY_OVERRIDES = [
  'yaml:exporters::load_balancing/gateways::sending_queue::enabled: false',
  'yaml:exporters::load_balancing/gateways::retry_on_failure::enabled: false',
  'yaml:exporters::load_balancing/gateways::protocol::otlp::sending_queue::enabled: true',
  'yaml:exporters::load_balancing/gateways::protocol::otlp::retry_on_failure::enabled: true',
];

const work = mkdtempSync(join(tmpdir(), 'genai-scale-out-'));
const logDir = join(work, 'logs');
let jaeger;
let agent;
let agentOverrides = [];
const gateways = {}; // name → running handle
const gatewayPorts = {}; // name → ports, kept across restarts (the agent's list is static)
const incarnations = {}; // name → how many times started (one tap file each: a restart would truncate it)
const figures = []; // printed in afterAll
const apps = []; // app runs, awaited in afterAll: a failed test must not leave one running

function startGateway(name) {
  incarnations[name] = (incarnations[name] ?? 0) + 1;
  return startCollector({
    name,
    logDir,
    ports: gatewayPorts[name],
    config: [
      GATEWAY_CONFIG,
      `yaml:exporters::file/received::path: ${join(work, `received-${name}-${incarnations[name]}.jsonl`)}`,
      'yaml:service::pipelines::traces::exporters: [otlp_http/backend, file/received]',
    ],
    env: {
      OTELCOL_GATEWAY_NAME: name,
      OTELCOL_STORAGE_DIR: join(work, `queue-${name}`),
      OTLP_BACKEND_ENDPOINT: jaeger.otlpHttpUrl,
    },
  });
}

function startAgent(ports) {
  return startCollector({
    name: 'agent',
    logDir,
    ports,
    config: [AGENT_CONFIG, ...agentOverrides],
    env: {
      OTELCOL_STORAGE_DIR: join(work, 'queue-agent'),
      OTELCOL_GATEWAY_ENDPOINTS: `[${GATEWAYS.map((g) => `127.0.0.1:${gatewayPorts[g].otlpGrpc}`).join(', ')}]`,
    },
  });
}

async function restartAgent() {
  const { ports } = agent;
  await agent.stop();
  agent = await startAgent(ports);
}

/** Starts the support-assistant under the register hook against the agent; resolves with its report. */
function startApp(runId) {
  const state = { done: false };
  state.report = runSupportAssistant({
    reportPath: join(work, `${runId}.json`),
    env: {
      ...envWithout(['OTEL_', 'OPENAI_', 'NODE_OPTIONS']),
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_EXPORTER_OTLP_ENDPOINT: agent.otlpHttpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      SUPPORT_ASSISTANT_RUN_ID: runId,
      SUPPORT_ASSISTANT_ROUNDS: String(ROUNDS),
      SUPPORT_ASSISTANT_PAUSE_MS: String(PAUSE_MS),
    },
  }).then(({ report, output }) => {
    state.done = true;
    expect(output).toBe(''); // the agent is up whenever the app exports: no export errors
    return report;
  });
  apps.push(state.report.catch(() => {}));
  return state;
}

const responseIdsOf = (report) => report.questions.flatMap((q) => q.calls.map((c) => c.responseId));
const gatewayOf = (span) => span.resource['collector.gateway.name'];
const startedAfter = (span, ms) => span.startTime / 1000 > ms; // Jaeger: microseconds since the epoch

/** Every span of the run as Jaeger returns it (no de-duplication here: copies would count). */
async function runSpans(runId) {
  return spansOf(await searchTraces({ service: SERVICE, tags: { 'genai_app.run_id': runId }, baseUrl: jaeger.queryUrl }));
}
const chatSpans = (spans) => spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');

/** The chat spans of the run once every one of `responseIds` is in Jaeger; throws at the deadline. */
async function waitForCalls(runId, responseIds, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let found = [];
  while (Date.now() < deadline) {
    found = chatSpans(await runSpans(runId).catch(() => []));
    const ids = new Set(found.map((s) => s.attributes['gen_ai.response.id']));
    if (responseIds.every((id) => ids.has(id))) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  const ids = new Set(found.map((s) => s.attributes['gen_ai.response.id']));
  throw new Error(`Jaeger has ${responseIds.filter((id) => ids.has(id)).length} of the ${responseIds.length} calls of ${runId} after ${timeoutMs} ms`);
}

/** The chat spans of the run once their number has not changed for `quietMs`, or at the deadline. */
async function waitUntilSettled(runId, quietMs, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let found = [];
  let changedAt = Date.now();
  while (Date.now() < deadline && Date.now() - changedAt < quietMs) {
    const now = chatSpans(await runSpans(runId).catch(() => found));
    if (now.length !== found.length) changedAt = Date.now();
    found = now;
    await new Promise((r) => setTimeout(r, 500));
  }
  return found;
}

/** Resolves once a line written to `file` after byte `from` satisfies `match`; throws at the deadline. */
async function waitForLogLine(file, from, match, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = readFileSync(file).subarray(from).toString('utf8').split('\n').find(match);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no matching line in ${file} within ${timeoutMs} ms`);
}

/** Copies of each response id a gateway's tap files hold (all incarnations of that gateway). */
function receivedCopies(name, runIds) {
  const copies = new Map();
  for (const file of readdirSync(work).filter((f) => f.startsWith(`received-${name}-`))) {
    for (const line of readFileSync(join(work, file), 'utf8').split('\n').filter(Boolean)) {
      let request;
      try {
        request = JSON.parse(line);
      } catch {
        continue; // a last line cut short: the file exporter flushes once a second, and one process was killed
      }
      for (const rs of request.resourceSpans ?? []) {
        for (const span of rs.scopeSpans.flatMap((ss) => ss.spans)) {
          const attr = (key) => span.attributes?.find((a) => a.key === key)?.value.stringValue;
          if (!runIds.has(attr('genai_app.run_id')) || attr('gen_ai.operation.name') !== 'chat') continue;
          const id = attr('gen_ai.response.id');
          copies.set(id, (copies.get(id) ?? 0) + 1);
        }
      }
    }
  }
  return copies;
}

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  for (const bin of [COLLECTOR_BIN, JAEGER_BIN]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`node scripts/backends/build.mjs\` first (\`npm run test:e2e\` does).`);
  }
  const ports = await freePorts(4 + 3 * GATEWAYS.length + 3);
  const take = (names) => Object.fromEntries(names.map((n) => [n, ports.shift()]));
  jaeger = await startJaeger({ name: 'jaeger-scale-out', dataDir: join(work, 'jaeger-data'), logDir, ports: take(['query', 'queryGrpc', 'otlpGrpc', 'otlpHttp']) });
  for (const name of GATEWAYS) {
    gatewayPorts[name] = take(['otlpGrpc', 'otlpHttp', 'health']);
    gateways[name] = await startGateway(name);
  }
  agent = await startAgent(take(['otlpGrpc', 'otlpHttp', 'health']));
}, 60_000);

afterAll(async () => {
  // An app still running (a test failed early) ends by itself within seconds; let it, with the agent up.
  await Promise.race([Promise.allSettled(apps), new Promise((r) => setTimeout(r, 20_000).unref())]);
  // Each stop is bounded (SIGKILL after its grace period); one failing must not leave the others running.
  for (const handle of [agent, ...Object.values(gateways), jaeger]) await handle?.stop(5_000).catch(() => {});
  for (const line of figures) console.log(`scale-out ${line}`);
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('agent (agent.yaml) → load_balancing by trace id → 2 gateways (gateway-tier.yaml) → Jaeger', () => {
  test('a gateway killed mid-run, and the agent restarted during the outage: every call is in Jaeger once the gateway is back', async () => {
    const started = Date.now();
    const runId = 'scale-out-persistent';
    const app = startApp(runId);

    // Calls are flowing through both gateways: the killed one has carried some before it dies.
    await waitForSpans({
      service: SERVICE,
      tags: { 'genai_app.run_id': runId, 'gen_ai.operation.name': 'chat' },
      until: (spans) => spans.some((s) => gatewayOf(s) === KILLED),
      timeoutMs: 30_000,
      baseUrl: jaeger.queryUrl,
    });
    await gateways[KILLED].kill();
    const killedAt = Date.now();
    expect(app.done).toBe(false); // killed while the app was still making calls
    const report = await app.report;
    const responseIds = responseIdsOf(report);
    expect(report.llmCalls.total).toBe(ROUNDS * 10);
    expect(new Set(responseIds).size).toBe(ROUNDS * 10);

    // Still during the outage: the agent restarts, so what it holds for the dead gateway is only on disk now.
    const logFrom = statSync(agent.logFile).size;
    await restartAgent();
    // The restarted agent reads that share back from disk and tries the same dead gateway again: the static
    // resolver does not route around it.
    const deadEndpoint = `127.0.0.1:${gatewayPorts[KILLED].otlpGrpc}`;
    await waitForLogLine(agent.logFile, logFrom, (l) => l.includes('Exporting failed') && l.includes(`"endpoint": "${deadEndpoint}"`), 15_000);
    const duringOutage = chatSpans(await runSpans(runId));
    // Nothing the app did after the kill can have come through the dead gateway.
    expect(duringOutage.filter((s) => startedAfter(s, killedAt) && gatewayOf(s) === KILLED)).toEqual([]);

    gateways[KILLED] = await startGateway(KILLED);
    const restartedAt = Date.now();
    const found = await waitForCalls(runId, responseIds, DELIVERY_TIMEOUT_MS);
    const deliveredAfterRestart = Date.now() - restartedAt;

    // Every call the app made is in Jaeger, at least once; nothing else is.
    const foundCopies = countBy(found, (s) => s.attributes['gen_ai.response.id']);
    expect(Object.keys(foundCopies).sort()).toEqual([...responseIds].sort());
    const duplicatesInJaeger = Object.values(foundCopies).filter((n) => n > 1).length;

    // The load was split: each gateway carried a share, together all of it, every trace through one gateway.
    const all = await runSpans(runId);
    const byGateway = countBy(found, gatewayOf);
    expect(Object.keys(byGateway).sort()).toEqual(GATEWAYS);
    const gatewaysPerTrace = Object.values(countBy([...new Set(all.map((s) => `${s.traceID} ${gatewayOf(s)}`))], (k) => k.split(' ')[0]));
    expect(gatewaysPerTrace.every((n) => n === 1)).toBe(true);
    // The killed gateway's share of the calls made after the kill waited in the agent's queue, across the
    // agent's restart, and went through that gateway once it was back (no re-routing to the other one).
    const afterKill = found.filter((s) => startedAfter(s, killedAt));
    const afterKillByGateway = countBy(afterKill, gatewayOf);
    expect(afterKill.length).toBeGreaterThanOrEqual(10);
    expect(afterKillByGateway[KILLED]).toBeGreaterThanOrEqual(1);

    // No deprecated component names in the shipped configs (the collector warns at start for an alias).
    for (const name of ['agent', ...GATEWAYS]) {
      expect(readFileSync(join(logDir, `${name}.log`), 'utf8').split('\n').filter((l) => /deprecated/i.test(l))).toEqual([]);
    }

    const received = Object.fromEntries(GATEWAYS.map((g) => [g, receivedCopies(g, new Set([runId]))]));
    const copies = (g) => [...received[g].values()].reduce((a, b) => a + b, 0);
    const resent = (g) => [...received[g].values()].filter((n) => n > 1).length;
    figures.push(
      `persistent queue: ${report.llmCalls.total} calls made, ${Object.keys(foundCopies).length} found in Jaeger ` +
        `(${found.length} chat spans, ${duplicatesInJaeger} response ids more than once); by gateway ${JSON.stringify(byGateway)}; ` +
        `made after the kill ${afterKill.length}, by gateway ${JSON.stringify(afterKillByGateway)}; ` +
        `in Jaeger while ${KILLED} was down: ${duringOutage.length}; ${KILLED}'s share arrived ${(deliveredAfterRestart / 1000).toFixed(1)} s after its restart; ` +
        `received by the gateways (copies / distinct / more than once): ` +
        GATEWAYS.map((g) => `${g} ${copies(g)}/${received[g].size}/${resent(g)}`).join(', ') +
        ` (the tap file of ${KILLED}'s killed process may miss its last second); test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 100_000);

  test('negative control: the same outage with the exporter defaults (in-memory queue per gateway) loses the killed gateway\'s share', async () => {
    const started = Date.now();
    if (!gateways[KILLED]?.running()) gateways[KILLED] = await startGateway(KILLED); // the first test may have failed mid-outage
    agentOverrides = IN_MEMORY_OVERRIDES;
    await restartAgent();
    const runId = 'scale-out-in-memory';
    const app = startApp(runId);

    await waitForSpans({
      service: SERVICE,
      tags: { 'genai_app.run_id': runId, 'gen_ai.operation.name': 'chat' },
      until: (spans) => spans.length > 0,
      timeoutMs: 30_000,
      baseUrl: jaeger.queryUrl,
    });
    await gateways[KILLED].kill();
    const killedAt = Date.now();
    expect(app.done).toBe(false);
    const report = await app.report;
    const responseIds = responseIdsOf(report);
    await restartAgent(); // the in-memory queue for the dead gateway goes with the process
    gateways[KILLED] = await startGateway(KILLED);

    // Nothing more can come; wait until Jaeger has what the live gateway and the restarted one delivered.
    const found = await waitUntilSettled(runId, 5_000, 30_000);
    const foundIds = new Set(found.map((s) => s.attributes['gen_ai.response.id']));
    const lost = responseIds.filter((id) => !foundIds.has(id));
    expect([...foundIds].every((id) => responseIds.includes(id))).toBe(true);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    // What survived from after the kill all came through the live gateway: the killed one's share is gone.
    const afterKill = found.filter((s) => startedAfter(s, killedAt));
    expect(afterKill.length).toBeGreaterThanOrEqual(1);
    expect(afterKill.every((s) => gatewayOf(s) !== KILLED)).toBe(true);

    figures.push(
      `in-memory control: ${report.llmCalls.total} calls made, ${foundIds.size} found in Jaeger, ${lost.length} lost; ` +
        `by gateway ${JSON.stringify(countBy(found, gatewayOf))}; made after the kill and found ${afterKill.length}, by gateway ` +
        `${JSON.stringify(countBy(afterKill, gatewayOf))}; test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 70_000);

  test('otelcol resolves OTELCOL_GATEWAY_ENDPOINTS as the list of gateways, one or several', async () => {
    const hostnames = async (value) => {
      const env = { ...process.env, OTELCOL_GATEWAY_ENDPOINTS: value };
      const { stdout } = await run(COLLECTOR_BIN, ['print-config', `--config=${AGENT_CONFIG}`], { env });
      // Both load_balancing exporters list them; the first list is enough.
      const block = stdout.split('hostnames:')[1].split('\n').slice(1);
      return block.slice(0, block.findIndex((l) => !l.trim().startsWith('- '))).map((l) => l.trim().slice(2));
    };
    await expect(hostnames('[gw-a:4317, gw-b:4317, gw-c:4317]')).resolves.toEqual(['gw-a:4317', 'gw-b:4317', 'gw-c:4317']);
    await expect(hostnames('gw-a:4317')).resolves.toEqual(['gw-a:4317']);
    await expect(run(COLLECTOR_BIN, ['validate', ...[AGENT_CONFIG, ...IN_MEMORY_OVERRIDES].map((c) => `--config=${c}`)])).resolves.toBeDefined();
  });
});
