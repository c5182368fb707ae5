/*
 * Shared by the OpenTelemetry-line compat apps (scripts/test-otel-lines.mjs copies this folder's apps
 * into .cache/otel-lines/<line>/ and runs them there, against that line's installed SDK packages).
 * Only Node built-ins here: each app brings its own line's SDK.
 *
 * - startMockServer(): a loopback OpenAI chat completions endpoint.
 * - chatOnce(OpenAI, baseURL): one chat call.
 * - checkTelemetry({...}): the assertions; returns a list of problems (empty = ok).
 * - finish(label, problems): prints `<label>: ok` or the problems, and sets the exit code.
 * - inMemoryExporters({ sdkTrace, sdkMetrics, sdkLogs }): in-memory span/log exporters and metric reader
 *   from the line's SDK modules.
 * - runScenarioApp({...}): the whole of an app that wires its line's SDK one of several ways (scenarios).
 * - checkChatCall(label, {...}): one chat call, then the checks on what the in-memory exporters got.
 *
 * test/apps/telemetry.cjs (the module-system apps, on the repo's own SDK) uses the SDK-free helpers too.
 */
'use strict';
const http = require('node:http');

const REQUEST_MODEL = 'gpt-4o-mini';
const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const RESPONSE_ID = 'chatcmpl-compat-1';
const SCOPE = 'opentelemetry-instrumentation-genai/openai';
const EVENT_NAME = 'gen_ai.client.inference.operation.details';

function startMockServer() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `unexpected ${req.method} ${req.url}`, type: 'mock' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_compat_1' });
      res.end(
        JSON.stringify({
          id: RESPONSE_ID,
          object: 'chat.completion',
          created: 1,
          model: RESPONSE_MODEL,
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi there' }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
        }),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        baseURL: `http://127.0.0.1:${port}/v1`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

async function chatOnce(OpenAI, baseURL) {
  const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const r = await client.chat.completions.create({ model: REQUEST_MODEL, messages: [{ role: 'user', content: 'hello' }] });
  return r.choices[0].message.content;
}

function isWrapped(fn) {
  return typeof fn === 'function' && fn.__wrapped === true;
}

/** Histogram/sum data points of one metric across every scope, with the scope name. */
function points(resourceMetrics, name) {
  const out = [];
  for (const rm of [].concat(resourceMetrics)) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.descriptor.name !== name) continue;
        for (const dp of m.dataPoints) out.push({ scope: sm.scope.name, attributes: dp.attributes, value: dp.value });
      }
    }
  }
  return out;
}

/**
 * spans: ReadableSpan[]; resourceMetrics: ResourceMetrics (or array); logs: ReadableLogRecord[];
 * port: the mock's port; replyText: what the app got back; metrics: false to skip the metric checks.
 */
function checkTelemetry({ spans, resourceMetrics, logs, port, replyText, metrics = true }) {
  const problems = [];
  const expectEq = (what, actual, expected) => {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) problems.push(`${what}: expected ${e}, got ${a}`);
  };

  expectEq('reply text', replyText, 'hi there');

  // Span
  const chatSpans = spans.filter((s) => s.name === `chat ${REQUEST_MODEL}`);
  if (chatSpans.length !== 1) {
    problems.push(`expected 1 span "chat ${REQUEST_MODEL}", got spans ${JSON.stringify(spans.map((s) => s.name))}`);
  }
  const span = chatSpans[0];
  if (span) {
    expectEq('span kind', span.kind, 2 /* CLIENT */);
    expectEq('span scope', span.instrumentationScope?.name ?? span.instrumentationLibrary?.name, SCOPE);
    expectEq('span status code', span.status.code, 0 /* UNSET */);
    const a = span.attributes;
    const expected = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': REQUEST_MODEL,
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': RESPONSE_ID,
      'gen_ai.response.model': RESPONSE_MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
    };
    for (const [k, v] of Object.entries(expected)) expectEq(`span attribute ${k}`, a[k], v);
    // SPAN_AND_EVENT: content on the span as JSON strings.
    expectEq('span gen_ai.input.messages', safeParse(a['gen_ai.input.messages']), [
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
    ]);
    expectEq('span gen_ai.output.messages', safeParse(a['gen_ai.output.messages']), [
      { role: 'assistant', parts: [{ type: 'text', content: 'hi there' }], finish_reason: 'stop' },
    ]);
  }

  // Metrics
  if (metrics) checkMetrics(resourceMetrics, port, expectEq, problems);

  // Log record (the details event)
  const events = logs.filter((l) => l.eventName === EVENT_NAME);
  if (events.length !== 1) {
    problems.push(`expected 1 ${EVENT_NAME} log record, got ${events.length} (all log records: ${JSON.stringify(logs.map((l) => l.eventName))})`);
  } else {
    const ev = events[0];
    expectEq('event scope', ev.instrumentationScope?.name, SCOPE);
    expectEq('event severityNumber', ev.severityNumber, 9);
    expectEq('event gen_ai.operation.name', ev.attributes['gen_ai.operation.name'], 'chat');
    expectEq('event gen_ai.response.id', ev.attributes['gen_ai.response.id'], RESPONSE_ID);
    expectEq('event gen_ai.input.messages', ev.attributes['gen_ai.input.messages'], [
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
    ]);
    if (span) {
      expectEq('event trace id', ev.spanContext?.traceId, span.spanContext().traceId);
      expectEq('event span id', ev.spanContext?.spanId, span.spanContext().spanId);
    }
  }
  return problems;
}

/** The installed version of a package, read beside its resolved entry (works when package.json is not exported). */
function pkgVersion(name) {
  const fs = require('node:fs');
  const path = require('node:path');
  let dir = path.dirname(require.resolve(name, { paths: [process.cwd()] }));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function checkMetrics(resourceMetrics, port, expectEq, problems) {
  const base = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': REQUEST_MODEL,
    'server.address': '127.0.0.1',
    'server.port': port,
    'gen_ai.response.model': RESPONSE_MODEL,
  };
  const duration = points(resourceMetrics, 'gen_ai.client.operation.duration');
  if (duration.length !== 1) {
    problems.push(`expected 1 gen_ai.client.operation.duration data point, got ${duration.length}`);
  } else {
    expectEq('duration scope', duration[0].scope, SCOPE);
    expectEq('duration count', duration[0].value.count, 1);
    if (!(duration[0].value.sum > 0)) problems.push(`duration sum should be > 0, got ${duration[0].value.sum}`);
    for (const [k, v] of Object.entries(base)) expectEq(`duration attribute ${k}`, duration[0].attributes[k], v);
  }
  const tokens = points(resourceMetrics, 'gen_ai.client.token.usage');
  const byType = Object.fromEntries(tokens.map((p) => [p.attributes['gen_ai.token.type'], p]));
  expectEq('token usage token types', tokens.map((p) => p.attributes['gen_ai.token.type']).sort(), ['input', 'output']);
  if (byType.input) expectEq('input token sum', byType.input.value.sum, 7);
  if (byType.output) expectEq('output token sum', byType.output.value.sum, 2);
  if (byType.input) for (const [k, v] of Object.entries(base)) expectEq(`token usage attribute ${k}`, byType.input.attributes[k], v);
}

function safeParse(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** Prints the verdict; the runner reads the last line. */
function finish(label, problems, details = {}) {
  if (problems.length === 0) {
    console.log(`${label}: ok ${JSON.stringify(details)}`);
  } else {
    console.log(`${label}: FAILED ${JSON.stringify(details)}`);
    for (const p of problems) console.log(`  - ${p}`);
    process.exitCode = 1;
  }
}

/**
 * In-memory exporters from a line's SDK modules (`sdkTrace`: the one with InMemorySpanExporter, i.e.
 * sdk-trace-base on 2.x, sdk-trace on 3.x): a span exporter, a log record exporter, and a metric reader
 * that only exports when collected, into a cumulative in-memory exporter.
 */
function inMemoryExporters({ sdkTrace, sdkMetrics, sdkLogs }) {
  const { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } = sdkMetrics;
  return {
    spanExporter: new sdkTrace.InMemorySpanExporter(),
    metricReader: new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    }),
    logExporter: new sdkLogs.InMemoryLogRecordExporter(),
  };
}

/**
 * What every app does once the SDK is wired: one chat call with `OpenAI` against a fresh mock server,
 * the checks on what `spanExporter` / `metricReader` / `logExporter` got (the metric checks unless
 * `metrics` is false) and that `OpenAI` is patched, plus `extraProblems()`, then the verdict; the mock
 * and the SDK (`shutdown()`) are closed whatever happened.
 */
async function checkChatCall(label, { OpenAI, spanExporter, metricReader, logExporter, shutdown, metrics = true, openaiLabel = 'openai', extraProblems = () => [] }) {
  const mock = await startMockServer();
  try {
    const replyText = await chatOnce(OpenAI, mock.baseURL);
    const { resourceMetrics } = await metricReader.collect();
    const problems = checkTelemetry({
      spans: spanExporter.getFinishedSpans(),
      resourceMetrics,
      logs: logExporter.getFinishedLogRecords(),
      port: mock.port,
      replyText,
      metrics,
    });
    problems.unshift(...extraProblems());
    if (!isWrapped(OpenAI.Chat.Completions.prototype.create)) problems.unshift(`${openaiLabel} chat.completions.create is not wrapped`);
    finish(label, problems, { api: pkgVersion('@opentelemetry/api'), openai: pkgVersion('openai') });
  } finally {
    await mock.close();
    await shutdown();
  }
}

/** How an app wires the SDK and the instrumentations, all before require('openai'). */
const SCENARIOS = {
  nodesdk: 'new NodeSDK({ spanProcessors, metricReader(s), logRecordProcessors, instrumentations }).start()',
  'register-providers': 'registerInstrumentations({ tracerProvider, meterProvider, loggerProvider }); no globals',
  'global-register': 'global providers first, then registerInstrumentations({ instrumentations }) alone',
  // As NodeSDK orders it. The Metrics API has no proxy provider: instruments made before a global
  // MeterProvider exists stay no-ops, for every OpenTelemetry JS instrumentation (NodeSDK re-sets the
  // meter provider for this), so metrics are not checked here.
  'global-late': 'registerInstrumentations({ instrumentations }) first, global providers after',
  'global-only': 'global providers, instrumentations only constructed (enabled by their constructor)',
};

/**
 * The body of an OpenTelemetry-line app (`node app-otelN.cjs <scenario>`), which hands in what differs
 * between the lines:
 *   line                    the label prefix (`otel-2.x`)
 *   check()                 optional: throws if the installed packages are not that line
 *   sdk                     the line's modules { sdkTrace, sdkMetrics, sdkLogs } (see inMemoryExporters)
 *   tracerProvider(spanExporter)   the line's tracer provider, exporting there
 *   nodeSDK(exporters)      { NodeSDK, spanProcessors, and the metric reader option(s) } from the line's sdk-node
 *   setGlobals(providers)   registers { tracerProvider, meterProvider, loggerProvider } as the API's globals
 *   registerInstrumentations, instrumentations()   from @opentelemetry/instrumentation, and this package's
 *   requireOpenAI()         require('openai'), called once everything is wired
 * The scenario (argv[2], one of SCENARIOS) decides how they are wired, then checkChatCall runs.
 */
function runScenarioApp({ line, check, sdk, tracerProvider, nodeSDK, setGlobals, registerInstrumentations, instrumentations, requireOpenAI }) {
  const scenario = process.argv[2];
  const label = `${line} ${scenario}`;
  runMain(label, async () => {
    if (!Object.hasOwn(SCENARIOS, scenario)) throw new Error(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
    check?.();
    const exporters = inMemoryExporters(sdk);
    const logRecordProcessor = () => new sdk.sdkLogs.SimpleLogRecordProcessor({ exporter: exporters.logExporter });
    let shutdown;
    if (scenario === 'nodesdk') {
      const { NodeSDK, ...options } = nodeSDK(exporters);
      const nodeSdk = new NodeSDK({
        ...options,
        logRecordProcessors: [logRecordProcessor()],
        instrumentations: instrumentations(),
        resourceDetectors: [],
      });
      nodeSdk.start();
      shutdown = () => nodeSdk.shutdown();
    } else {
      const providers = {
        tracerProvider: tracerProvider(exporters.spanExporter),
        meterProvider: new sdk.sdkMetrics.MeterProvider({ readers: [exporters.metricReader] }),
        loggerProvider: new sdk.sdkLogs.LoggerProvider({ processors: [logRecordProcessor()] }),
      };
      if (scenario === 'register-providers') {
        registerInstrumentations({ instrumentations: instrumentations(), ...providers });
      } else if (scenario === 'global-register') {
        setGlobals(providers);
        registerInstrumentations({ instrumentations: instrumentations() });
      } else if (scenario === 'global-late') {
        registerInstrumentations({ instrumentations: instrumentations() });
        setGlobals(providers);
      } else {
        setGlobals(providers);
        instrumentations();
      }
      shutdown = () => Promise.all(Object.values(providers).map((p) => p.shutdown()));
    }
    await checkChatCall(label, { ...exporters, OpenAI: requireOpenAI(), shutdown, metrics: scenario !== 'global-late' });
  });
}

/** Runs main(); any throw is a failure with its stack. Bounded so a hang cannot stall the runner. */
function runMain(label, main, timeoutMs = 30_000) {
  const timer = setTimeout(() => {
    console.log(`${label}: FAILED timed out after ${timeoutMs} ms`);
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  Promise.resolve()
    .then(main)
    .catch((err) => {
      console.log(`${label}: FAILED ${err && err.stack ? err.stack : err}`);
      process.exitCode = 1;
    });
}

module.exports = {
  pkgVersion,
  startMockServer,
  chatOnce,
  checkTelemetry,
  checkChatCall,
  finish,
  runMain,
  runScenarioApp,
  inMemoryExporters,
  isWrapped,
  points,
  SCOPE,
  EVENT_NAME,
};
