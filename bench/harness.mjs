/*
 * The benchmark's world: real OTel SDK pipelines with dropping exporters, three independent copies of the
 * `openai` module (one per arm, see below), SDK clients on two transports, and the three workloads.
 * Used by bench/overhead.mjs (the measurement) and bench/profile.mjs (a CPU profile of one arm).
 *
 * Arms:
 *   off   a pristine `openai` copy, never patched: the app without instrumentation.
 *   on    a copy patched by OpenAIInstrumentation the way apps install it (constructed enabled, so its
 *         require hook patches `openai` when it loads), wired to the real SDK pipelines.
 *   noop  a copy patched by another instrumentation instance (manuallyInstrument) that has no providers
 *         set, so it talks to the no-op OTel API: this package's own work, without the SDK's.
 *   traces / metrics / logs  (optional) like noop, but wired to that one real SDK pipeline.
 * Why copies and not enable()/disable() on one copy: re-patching the resource prototypes every block
 * invalidates V8's inline caches and optimized code of everything that touches them, which made BOTH
 * modes 1.5-2x slower than in an app that never toggles (measured: disabled 96 -> 155 µs/call).
 * Separate module instances keep each arm's JIT state steady while the blocks still alternate in one
 * process.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearCaptureEnv, createPipelines } from './pipelines.mjs';
import {
  EMBEDDING_DIMENSIONS,
  STREAM_CHOICE_CHUNKS,
  STREAM_TEXT,
  chatParams,
  embeddingsBody,
  embeddingsParams,
  numberedChatBody,
  numberedStreamEvents,
  streamParams,
} from './fixtures.mjs';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = join(benchDir, '..');
const require = createRequire(import.meta.url);

/**
 * Which OTel signals each arm's instrumentation is wired to (undefined: not instrumented at all). The
 * single-signal arms split the SDK's share by signal (overhead.mjs --decompose).
 */
export const ARM_SIGNALS = {
  off: undefined,
  noop: [],
  on: ['traces', 'metrics', 'logs'],
  traces: ['traces'],
  metrics: ['metrics'],
  logs: ['logs'],
};

export const readVersion = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;

const OPENAI_DIR = dirname(require.resolve('openai')) + sep; // node_modules/openai/ (index.js is at its root)

/**
 * A fresh instance of the `openai` module: its own classes, prototypes and JIT state. `dir` is the
 * package folder (default: the installed `openai`; bench/peers.mjs --openai-dir loads another release).
 */
export function freshOpenAI(dir = OPENAI_DIR) {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  dropOpenAIFromCache(prefix);
  return require(prefix);
}

/** Forgets the cached files of the `openai` package in `dir`, so the next require loads a new copy. */
export function dropOpenAIFromCache(dir = OPENAI_DIR) {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  for (const key of Object.keys(require.cache)) if (key.startsWith(prefix)) delete require.cache[key];
}

/** The version of the `openai` package in `dir`. */
export const openaiVersionIn = (dir = OPENAI_DIR) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

export const classOf = (mod) => mod.OpenAI ?? mod.default;

/**
 * Sets up the pipelines, the instrumentations and the three `openai` copies. `dist` is the built CJS
 * entry of this package.
 */
export function setupHarness({ dist, capture, arms = ['off', 'noop', 'on'] }) {
  clearCaptureEnv(); // the env var would win over the config option
  const pipelines = createPipelines();
  const { api, diagProblems, spanExporter, logExporter, tracerProvider, meterProvider, loggerProvider } = pipelines;
  const { isWrapped } = require('@opentelemetry/instrumentation');

  const { OpenAIInstrumentation } = require(dist);

  // The copies that no hook may see: loaded before any instrumentation exists.
  const modules = {};
  for (const arm of arms) if (arm !== 'on') modules[arm] = freshOpenAI();
  dropOpenAIFromCache();

  const instrumentations = [];
  const wire = (inst, signals) => {
    if (signals.includes('traces')) inst.setTracerProvider(tracerProvider);
    if (signals.includes('metrics')) inst.setMeterProvider(meterProvider);
    if (signals.includes('logs')) inst.setLoggerProvider(loggerProvider);
    instrumentations.push(inst);
    return inst;
  };
  // `on`: constructed enabled (the default), which registers the `openai` require hook; then `openai`
  // loads and the hook patches it.
  const instrumentation = wire(new OpenAIInstrumentation({ captureMessageContent: capture }), ARM_SIGNALS.on);
  modules.on = require('openai');
  // The others: patched by hand. Signals not wired stay on the API's no-ops (no global providers exist).
  for (const arm of arms) {
    if (arm === 'on' || arm === 'off') continue;
    wire(new OpenAIInstrumentation({ enabled: false, captureMessageContent: capture }), ARM_SIGNALS[arm]).manuallyInstrument(modules[arm]);
  }

  const classes = Object.fromEntries(arms.map((arm) => [arm, classOf(modules[arm])]));
  if (new Set(Object.values(classes)).size !== arms.length) throw new Error('the openai copies are not independent');
  for (const [arm, OpenAI] of Object.entries(classes)) {
    for (const proto of [OpenAI.Chat.Completions.prototype, OpenAI.Embeddings.prototype]) {
      if (isWrapped(proto.create) !== (arm !== 'off')) {
        throw new Error(`${arm} copy: ${proto.constructor.name}.prototype.create is ${arm === 'off' ? '' : 'not '}wrapped`);
      }
    }
  }
  const openaiVersion = openaiVersionIn();

  const h = {
    api,
    instrumentation,
    openaiVersion,
    spanExporter,
    logExporter,
    diagProblems,
    tracerProvider,
    meterProvider,
    loggerProvider,
    loopback: undefined,

    setCapture(mode) {
      for (const inst of instrumentations) {
        inst.setConfig({ ...inst.getConfig(), captureMessageContent: mode });
        if (inst.captureMode !== mode) throw new Error(`capture mode is ${inst.captureMode}, wanted ${mode}`);
      }
    },

    flushPipelines: pipelines.flush,
    durationCount: pipelines.durationCount,

    async startLoopback() {
      const child = spawn(process.execPath, [join(benchDir, 'loopback-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
      const port = await new Promise((resolvePort, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening (\d+)/.exec(out);
          if (m) resolvePort(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`loopback server exited with ${code}`)));
      });
      process.on('exit', () => child.kill());
      h.loopback = { child, baseURL: `http://127.0.0.1:${port}/v1` };
    },

    stopLoopback() {
      h.loopback?.child.stdin.end();
    },

    /** A client of the arm's openai copy on the transport. */
    clientFor(arm, transport, workload) {
      const OpenAI = classes[arm];
      const common = { apiKey: 'sk-bench', maxRetries: 0 };
      if (transport === 'inmemory') return new OpenAI({ ...common, baseURL: 'https://api.openai.com/v1', fetch: inMemoryFetch(workload) });
      if (!h.loopback) throw new Error('loopback server not started');
      return new OpenAI({ ...common, baseURL: h.loopback.baseURL });
    },

    /** The workload's call for one arm: a function making one SDK call and consuming its result. */
    callFor(arm, transport, workload) {
      return callFor(h.clientFor(arm, transport, workload), workload);
    },

    /** What one call of the arm must export: spans, details events, duration recordings. */
    expected(arm, capture) {
      const signals = ARM_SIGNALS[arm] ?? [];
      return {
        spans: signals.includes('traces') ? 1 : 0,
        events: signals.includes('logs') && capture.includes('EVENT') ? 1 : 0,
        durations: signals.includes('metrics') ? 1 : 0,
      };
    },

    /**
     * One call per arm, checking what reached the exporters: each arm exports exactly what its signals
     * say, and the `on` arm's span carries content, usage, the streamed text, the dimension count.
     * Embeddings may or may not get a details event (builds from e3f3efc on emit none: they carry no
     * content). Returns what one call of each arm exported, for the per-block checks.
     */
    async verify(workload, calls, capture) {
      const attr = (s, k) => s.attributes[k];
      const perCall = {};
      for (const arm of Object.keys(calls)) {
        const want = h.expected(arm, capture);
        const spans0 = spanExporter.count;
        const logs0 = logExporter.count;
        const durations0 = await h.durationCount();
        await calls[arm]();
        await h.flushPipelines();
        const got = { spans: spanExporter.count - spans0, events: logExporter.count - logs0, durations: (await h.durationCount()) - durations0 };
        const eventsOk = got.events === want.events || (workload === 'embeddings' && got.events === 0);
        if (got.spans !== want.spans || !eventsOk || got.durations !== want.durations) {
          throw new Error(`${workload}/${capture}, arm ${arm}: one call exported ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        }
        perCall[arm] = got;
        if (arm !== 'on') continue;
        const span = spanExporter.last;
        const problems = [];
        const expectOp = workload === 'embeddings' ? 'embeddings' : 'chat';
        if (attr(span, 'gen_ai.operation.name') !== expectOp) problems.push('operation name');
        if (attr(span, 'gen_ai.usage.input_tokens') === undefined) problems.push('input tokens');
        if (workload === 'embeddings') {
          if (attr(span, 'gen_ai.embeddings.dimension.count') !== EMBEDDING_DIMENSIONS) problems.push('dimension count');
        } else {
          const hasSpanContent = typeof attr(span, 'gen_ai.input.messages') === 'string';
          if (hasSpanContent !== (capture === 'SPAN_ONLY' || capture === 'SPAN_AND_EVENT')) problems.push('span content');
          if (workload === 'stream') {
            if (hasSpanContent && !String(attr(span, 'gen_ai.output.messages')).includes(STREAM_TEXT)) problems.push('streamed text in output messages');
            if (attr(span, 'gen_ai.response.time_to_first_chunk') === undefined) problems.push('time to first chunk');
          }
        }
        if (want.events && workload !== 'embeddings' && logExporter.last?.attributes?.['gen_ai.input.messages'] === undefined) {
          problems.push('event content');
        }
        if (problems.length) throw new Error(`${workload}/${capture}: exported telemetry is missing: ${problems.join(', ')}`);
      }
      return perCall;
    },

    shutdown: pipelines.shutdown,
  };
  return h;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_bench' };
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' };

/** The SDK's `fetch` option pointed at a responder: no sockets, no network noise. */
export function inMemoryFetch(workload) {
  // Every answer is a new one (see `numbered` in fixtures.mjs).
  let answers = 0;
  if (workload === 'stream') {
    return async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (const event of numberedStreamEvents(++answers)) controller.enqueue(event);
            controller.close();
          },
        }),
        { status: 200, headers: SSE_HEADERS },
      );
  }
  if (workload === 'embeddings') return async () => new Response(embeddingsBody, { status: 200, headers: JSON_HEADERS });
  return async () => new Response(numberedChatBody(++answers), { status: 200, headers: JSON_HEADERS });
}

export function callFor(client, workload) {
  switch (workload) {
    case 'chat':
      return async () => {
        const r = await client.chat.completions.create(chatParams());
        if (r.choices.length !== 1) throw new Error('bad chat response');
      };
    case 'stream':
      return async () => {
        const stream = await client.chat.completions.create(streamParams());
        let n = 0;
        for await (const _chunk of stream) n++;
        if (n !== STREAM_CHOICE_CHUNKS + 1) throw new Error(`stream gave ${n} chunks`);
      };
    case 'embeddings':
      return async () => {
        const r = await client.embeddings.create(embeddingsParams());
        if (r.data[0].embedding.length !== EMBEDDING_DIMENSIONS) throw new Error('bad embeddings response');
      };
    default:
      throw new Error(`unknown workload ${workload}`);
  }
}
