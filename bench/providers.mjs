/*
 * CPU overhead of the Anthropic, Google Gen AI, Bedrock Runtime and Groq instrumentations: added CPU per
 * SDK call, instrumented vs not, and the SDK floor (the OTel SDK calls the instrumentation made, replayed
 * around an uninstrumented call), measured in alternating blocks in one process, with the real OTel SDK
 * pipelines behind the instrumentation. The per-provider counterpart of bench/overhead.mjs (openai),
 * simplified: three arms, two transports (in-memory by default, or loopback).
 *
 *   npm run build                                            # or use the current dist/
 *   npx node --expose-gc bench/providers.mjs [options]
 *
 * Options (all optional):
 *   --providers LIST    anthropic,google-genai,bedrock,groq (default all)
 *   --workloads LIST    chat,stream (default both)
 *   --capture LIST      of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (default SPAN_AND_EVENT,NO_CONTENT)
 *   --blocks N          blocks per arm per case (default 20)
 *   --block-ms MS       target wall time of one block (default 80)
 *   --warmup-ms MS      warm-up per case, split over the arms (default 600)
 *   --dist PATH         the built CJS entry to load (default dist/cjs/index.js)
 *   --transport T       inmemory (default) or loopback, see below
 *   --quick             6 blocks of 60 ms: a smoke run, not for reporting
 *
 * Workloads, per provider (requests and bodies in bench/provider-fixtures.mjs: bench/fixtures.mjs's
 * system prompt, question and ~100-char answer; streams carry the answer in 10 text chunks plus usage):
 *   anthropic     messages.create, and the same with stream: true, iterated with for await
 *   google-genai  models.generateContent, and models.generateContentStream, iterated
 *   bedrock       send(ConverseCommand), and send(ConverseStreamCommand) with `for await` over .stream
 *   groq          chat.completions.create, and the same with stream: true, iterated (usage in x_groq)
 * Transports (both send the bytes of bench/provider-wire.mjs):
 *   inmemory  no sockets: each SDK's transport hook answers in the process, a new response and body stream
 *             per call (bench/provider-inmemory.mjs): the client's `fetch` option (Anthropic, Groq),
 *             `httpOptions.fetch` (Google Gen AI), `requestHandler` (Bedrock: what its default HTTP/2
 *             handler resolves, the body a Node Readable). Clients use their SDK's default endpoint. The
 *             CPU measured is the SDK's and ours only: run-to-run medians move by tens of µs, not hundreds.
 *   loopback  a server in a child process (bench/provider-server.mjs; its CPU is not counted): HTTP/1.1 for
 *             Anthropic, Gemini and Groq, cleartext HTTP/2 for Bedrock (the client's default handler is h2).
 *             Closer to a real call (sockets, the HTTP client's parsing) but noisy: its blocks spread by
 *             hundreds of µs on a 2-core VM.
 *
 * Method (see bench/README.md; the same as overhead.mjs, with its helpers from stats.mjs/pipelines.mjs):
 *  - Arms: `off`, a copy of the SDK module (require.cache entries of that package deleted in between) never
 *    patched; `on`, another copy, patched with `new XInstrumentation({ enabled: false, ... })` wired to
 *    the real pipelines, then `manuallyInstrument(copy)`. No require hook is ever registered, so the `off`
 *    copy stays pristine (checked: its patch points are not wrapped, and the `on` copy's are). `floor`:
 *    the `off` copy (its own client) making the same uninstrumented call, plus, per call, a replay of
 *    exactly the OTel SDK calls one `on` call made (bench/sdk-replay.mjs: captured from the verified `on`
 *    call; span started before the SDK call, log record, span end and histogram records after it),
 *    through the `on` arm's own providers and histograms.
 *  - Before measuring, one call per arm is verified: `on` exports exactly one span (with usage, content,
 *    the streamed text, time to first chunk) and one details event per call when the capture mode has
 *    events, and one duration recording; `off` exports nothing; `floor` exports the same span and log
 *    record as the captured ones. The SDK results are checked on every call.
 *  - Warm-up, then rounds of one block per arm (~80 ms of calls), the arm order rotating; CPU per call
 *    = process.cpuUsage() user+system (all threads) over the block including a forceFlush of spans and
 *    logs; each block checks its span and event counts. Added = median(on) - median(off); floor added =
 *    median(floor) - median(off); ours - floor = median(on) - median(floor).
 *  - Memory: V8's used heap between two full GCs around 3 blocks' worth of calls, per arm.
 *  - At the end: the duration histogram counted every instrumented call and every floor replay, and no
 *    diag warnings/errors.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clearCaptureEnv, createPipelines } from './pipelines.mjs';
import {
  ANSWER,
  ANTHROPIC_MODEL,
  ANTHROPIC_STREAM_EVENTS,
  BEDROCK_MODEL,
  BEDROCK_STREAM_EVENTS,
  GEMINI_MODEL,
  GEMINI_STREAM_CHUNKS,
  GROQ_MODEL,
  GROQ_STREAM_CHUNKS,
  QUESTION,
  SYSTEM,
  TEXT_CHUNKS,
  anthropicParams,
  anthropicStreamParams,
  bedrockConverseInput,
  bedrockConverseStreamInput,
  geminiParams,
  groqParams,
  groqStreamParams,
} from './provider-fixtures.mjs';
import { inMemoryFetch, inMemoryHttpHandler } from './provider-inmemory.mjs';
import { captureSdkCalls, describeCapture, recordsOn, sdkReplay } from './sdk-replay.mjs';
import { compareArms, f1, fullGc, gcSource, heapGrowthOf, heapUsed, kb, measureCallBlock, orderOf, range, timed } from './stats.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    providers: { type: 'string', default: 'anthropic,google-genai,bedrock,groq' },
    workloads: { type: 'string', default: 'chat,stream' },
    capture: { type: 'string', default: 'SPAN_AND_EVENT,NO_CONTENT' },
    blocks: { type: 'string' },
    'block-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    dist: { type: 'string' },
    transport: { type: 'string', default: 'inmemory' },
    quick: { type: 'boolean', default: false },
  },
});
const BLOCKS = Number(opts.blocks ?? (opts.quick ? 6 : 20));
const BLOCK_MS = Number(opts['block-ms'] ?? (opts.quick ? 60 : 80));
const WARMUP_MS = Number(opts['warmup-ms'] ?? (opts.quick ? 300 : 600));
const CAPTURES = opts.capture.split(',').filter(Boolean);
const DIST = resolve(opts.dist ?? join(root, 'dist/cjs/index.js'));
const TRANSPORT = opts.transport;
const ARMS = ['off', 'on', 'floor'];
/** The arms with a module copy of their own (`floor` calls through the `off` copy). */
const COPIES = ['off', 'on'];

// -------------------------------------------------------------------------------------------- helpers

/** The directory of an installed package (walking up from its CommonJS entry), with a trailing separator. */
function packageDir(name) {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir + sep;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package directory of ${name}`);
}
const versionOf = (name) => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

/** A fresh instance of the package: only its own files leave require.cache (its dependencies are shared). */
function freshCopy(name) {
  const dir = packageDir(name);
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key];
  return require(name);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())]);

// ------------------------------------------------------------------------------------------ providers

const { isWrapped } = require('@opentelemetry/instrumentation');

/**
 * Per provider: the package, the instrumentation class, how to tell a copy is patched (and that nothing
 * shared with the other copy is), the client options of each transport (`loopback`: the server's URL;
 * `inMemory`: the SDK's transport hook, with the SDK's default endpoint, whose host the span must name), a
 * client given those options, and the two workloads' calls. Each call checks the SDK result: the text, the
 * number of stream items.
 */
const PROVIDERS = {
  anthropic: {
    pkg: '@anthropic-ai/sdk',
    instrumentation: 'AnthropicInstrumentation',
    loopback: { protocol: 'HTTP/1.1', options: (server) => ({ baseURL: server.http }) },
    inMemory: { hook: 'fetch', host: 'api.anthropic.com', options: (workload) => ({ fetch: inMemoryFetch('anthropic', workload) }) },
    patchPoints(mod) {
      return { 'Messages.prototype.create': mod.Anthropic.Messages.prototype.create, 'Beta.Messages.prototype.create': mod.Anthropic.Beta.Messages.prototype.create };
    },
    sharedPatchPoints: () => ({}),
    client: (mod, transportOptions) => new mod.Anthropic({ apiKey: 'sk-ant-bench', maxRetries: 0, ...transportOptions }),
    workloads: {
      chat: {
        label: 'messages.create',
        call: (client) => async () => {
          const m = await client.messages.create(anthropicParams());
          if (m.content[0]?.text !== ANSWER || m.usage.output_tokens !== 25) throw new Error('anthropic: bad message');
        },
      },
      stream: {
        label: `messages.create stream: ${TEXT_CHUNKS} text deltas + usage`,
        call: (client) => async () => {
          const stream = await client.messages.create(anthropicStreamParams());
          let events = 0;
          let deltas = 0;
          let text = '';
          for await (const event of stream) {
            events++;
            if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
              deltas++;
              text += event.delta.text;
            }
          }
          if (events !== ANTHROPIC_STREAM_EVENTS || deltas !== TEXT_CHUNKS || text !== ANSWER) {
            throw new Error(`anthropic stream: ${events} events, ${deltas} text deltas, text ${JSON.stringify(text)}`);
          }
        },
      },
    },
  },

  'google-genai': {
    pkg: '@google/genai',
    instrumentation: 'GoogleGenAIInstrumentation',
    loopback: { protocol: 'HTTP/1.1', options: (server) => ({ httpOptions: { baseUrl: server.http } }) },
    inMemory: {
      hook: 'httpOptions.fetch',
      host: 'generativelanguage.googleapis.com',
      options: (workload) => ({ httpOptions: { fetch: inMemoryFetch('google-genai', workload) } }),
    },
    // The public methods are per-instance arrows: what a client made from the copy holds is what counts.
    patchPoints(mod) {
      const models = new mod.GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: 'http://127.0.0.1:9' } }).models;
      return {
        'models.generateContent': models.generateContent,
        'models.generateContentStream': models.generateContentStream,
        'Models.prototype.generateContentInternal': mod.Models.prototype.generateContentInternal,
      };
    },
    sharedPatchPoints: () => ({}),
    client: (mod, transportOptions) => new mod.GoogleGenAI({ apiKey: 'bench-key', ...transportOptions }),
    workloads: {
      chat: {
        label: 'models.generateContent',
        call: (ai) => async () => {
          const r = await ai.models.generateContent(geminiParams());
          if (r.text !== ANSWER || r.usageMetadata?.candidatesTokenCount !== 25) throw new Error('google-genai: bad response');
        },
      },
      stream: {
        label: `models.generateContentStream: ${TEXT_CHUNKS} chunks, usage on the last`,
        call: (ai) => async () => {
          const stream = await ai.models.generateContentStream(geminiParams());
          let chunks = 0;
          let text = '';
          let usage;
          for await (const chunk of stream) {
            chunks++;
            text += chunk.text ?? '';
            usage = chunk.usageMetadata ?? usage;
          }
          if (chunks !== GEMINI_STREAM_CHUNKS || text !== ANSWER || usage?.candidatesTokenCount !== 25) {
            throw new Error(`google-genai stream: ${chunks} chunks, text ${JSON.stringify(text)}`);
          }
        },
      },
    },
  },

  bedrock: {
    pkg: '@aws-sdk/client-bedrock-runtime',
    instrumentation: 'BedrockRuntimeInstrumentation',
    loopback: { protocol: 'HTTP/2 (h2c)', options: (server) => ({ endpoint: server.h2 }) },
    inMemory: {
      hook: 'requestHandler',
      host: 'bedrock-runtime.us-east-1.amazonaws.com',
      options: (workload) => ({ requestHandler: inMemoryHttpHandler(workload, packageDir('@aws-sdk/client-bedrock-runtime')) }),
    },
    patchPoints: (mod) => ({ 'BedrockRuntimeClient.prototype.send': mod.BedrockRuntimeClient.prototype.send }),
    // The Smithy base client is shared by both copies (only the package's own files are reloaded): the
    // instrumentation must leave it alone, or the `off` arm would be instrumented too.
    sharedPatchPoints: (mod) => ({ 'smithy Client.prototype.send': Object.getPrototypeOf(mod.BedrockRuntimeClient.prototype).send }),
    client: (mod, transportOptions) =>
      new mod.BedrockRuntimeClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDBENCHEXAMPLE', secretAccessKey: 'bench-fake-secret' },
        maxAttempts: 1,
        ...transportOptions,
      }),
    workloads: {
      chat: {
        label: 'send(ConverseCommand)',
        call: (client, mod) => async () => {
          const r = await client.send(new mod.ConverseCommand(bedrockConverseInput()));
          if (r.output?.message?.content?.[0]?.text !== ANSWER || r.usage?.outputTokens !== 25) throw new Error('bedrock: bad converse output');
        },
      },
      stream: {
        label: `send(ConverseStreamCommand): ${TEXT_CHUNKS} text deltas + metadata`,
        call: (client, mod) => async () => {
          const r = await client.send(new mod.ConverseStreamCommand(bedrockConverseStreamInput()));
          let events = 0;
          let deltas = 0;
          let text = '';
          let usage;
          for await (const event of r.stream) {
            events++;
            if (event.contentBlockDelta) {
              deltas++;
              text += event.contentBlockDelta.delta?.text ?? '';
            }
            usage = event.metadata?.usage ?? usage;
          }
          if (events !== BEDROCK_STREAM_EVENTS || deltas !== TEXT_CHUNKS || text !== ANSWER || usage?.outputTokens !== 25) {
            throw new Error(`bedrock stream: ${events} events, ${deltas} text deltas, text ${JSON.stringify(text)}`);
          }
        },
      },
    },
  },

  // Chat Completions at /openai/v1 (groq-sdk adds the prefix to the client's base URL, the server's origin).
  groq: {
    pkg: 'groq-sdk',
    instrumentation: 'GroqInstrumentation',
    loopback: { protocol: 'HTTP/1.1', options: (server) => ({ baseURL: server.http }) },
    inMemory: { hook: 'fetch', host: 'api.groq.com', options: (workload) => ({ fetch: inMemoryFetch('groq', workload) }) },
    systemIn: 'gen_ai.input.messages', // a Chat Completions system message is one of the input messages
    patchPoints(mod) {
      const Groq = mod.Groq ?? mod.default;
      return {
        'Chat.Completions.prototype.create': Groq.Chat.Completions.prototype.create,
        'Embeddings.prototype.create': Groq.Embeddings.prototype.create,
      };
    },
    sharedPatchPoints: () => ({}),
    client: (mod, transportOptions) => new (mod.Groq ?? mod.default)({ apiKey: 'gsk-bench', maxRetries: 0, ...transportOptions }),
    workloads: {
      chat: {
        label: 'chat.completions.create',
        call: (client) => async () => {
          const r = await client.chat.completions.create(groqParams());
          if (r.choices[0]?.message?.content !== ANSWER || r.usage?.completion_tokens !== 25) throw new Error('groq: bad completion');
        },
      },
      stream: {
        label: `chat.completions.create stream: ${TEXT_CHUNKS} text chunks, usage in x_groq`,
        call: (client) => async () => {
          const stream = await client.chat.completions.create(groqStreamParams());
          let chunks = 0;
          let text = '';
          let usage;
          for await (const chunk of stream) {
            chunks++;
            text += chunk.choices[0]?.delta?.content ?? '';
            usage = chunk.x_groq?.usage ?? usage;
          }
          if (chunks !== GROQ_STREAM_CHUNKS || text !== ANSWER || usage?.completion_tokens !== 25) {
            throw new Error(`groq stream: ${chunks} chunks, text ${JSON.stringify(text)}`);
          }
        },
      },
    },
  },
};

const REQUEST_MODEL = { anthropic: ANTHROPIC_MODEL, 'google-genai': GEMINI_MODEL, bedrock: BEDROCK_MODEL, groq: GROQ_MODEL };
const OPERATION = { anthropic: 'chat', 'google-genai': 'generate_content', bedrock: 'chat', groq: 'chat' };

const PROVIDER_NAMES = opts.providers.split(',').filter(Boolean);
const WORKLOADS = opts.workloads.split(',').filter(Boolean);
const usageError = (message) => {
  process.stderr.write(`providers.mjs: ${message}\n`);
  process.exit(2);
};
for (const p of PROVIDER_NAMES) if (!PROVIDERS[p]) usageError(`unknown provider ${p} (known: ${Object.keys(PROVIDERS).join(', ')})`);
for (const w of WORKLOADS) if (w !== 'chat' && w !== 'stream') usageError(`unknown workload ${w} (known: chat, stream)`);
for (const c of CAPTURES) if (!['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'].includes(c)) usageError(`unknown capture mode ${c}`);
if (!CAPTURES.length) usageError('--capture names no mode');
if (TRANSPORT !== 'inmemory' && TRANSPORT !== 'loopback') usageError(`unknown transport ${TRANSPORT} (known: inmemory, loopback)`);
if (!(BLOCKS >= 1 && BLOCK_MS > 0 && WARMUP_MS >= 0)) usageError('--blocks, --block-ms and --warmup-ms must be positive numbers');

// ---------------------------------------------------------------------------------------------- setup

clearCaptureEnv(); // the env var would win over the config option
const pipelines = createPipelines();
const { diagProblems, spanExporter, logExporter } = pipelines;
const exporters = { spanExporter, logExporter, flush: pipelines.flush };
const pipelineProviders = { tracerProvider: pipelines.tracerProvider, loggerProvider: pipelines.loggerProvider };
/** The loopback server (`--transport loopback`): its child process and URLs. */
let server;
/**
 * SDK console output during the run (a deprecation warning per call, say) would be charged to the arms
 * and drown the instrumentation: it is caught here and aborts the run.
 */
const consoleOutput = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => consoleOutput.push(`console.${level}: ${args.map(String).join(' ').slice(0, 300)}`);
}
const checkConsole = (where) => {
  if (consoleOutput.length) throw new Error(`${where}: the SDK wrote to the console (${consoleOutput.length}×):\n${consoleOutput[0]}`);
};
/** Calls made through an instrumented copy: each must have recorded gen_ai.client.operation.duration. */
let instrumentedCalls = 0;
/** Duration records replayed by the `floor` arm (one per floor call), on the same histogram. */
let replayedDurations = 0;

function startServer() {
  const child = spawn(process.execPath, [join(benchDir, 'provider-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill());
  return new Promise((resolveServer, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening http=(\d+) h2=(\d+)/.exec(out);
      if (m) resolveServer({ child, http: `http://127.0.0.1:${m[1]}`, h2: `http://127.0.0.1:${m[2]}` });
    });
    child.on('exit', (code, signal) => reject(new Error(`provider server exited (${code ?? signal}) before listening`)));
  });
}

/** A client of a provider's SDK copy for one workload, on the run's transport (a new in-memory transport per client). */
function clientFor(p, mod, workload) {
  return p.client(mod, TRANSPORT === 'loopback' ? p.loopback.options(server) : p.inMemory.options(workload));
}

/** Where the span's server.address must point: the loopback server, or the SDK's default endpoint. */
const expectedHost = (p) => (TRANSPORT === 'loopback' ? '127.0.0.1' : p.inMemory.host);

/** What the report says a provider's calls went through. */
const transportLabel = (p) => (TRANSPORT === 'loopback' ? p.loopback.protocol : `in-memory ${p.inMemory.hook}`);

/** Loads both copies of a provider's SDK, patches the `on` copy, and checks the patches. */
function setupProvider(name, dist) {
  const p = PROVIDERS[name];
  const Instrumentation = dist[p.instrumentation];
  if (typeof Instrumentation !== 'function') throw new Error(`${DIST} does not export ${p.instrumentation}`);
  const modules = { off: freshCopy(p.pkg), on: freshCopy(p.pkg) };
  check(modules.off !== modules.on, `${name}: the two copies are the same module`);

  // enabled: false: no require hook (the `off` copy must stay pristine). manuallyInstrument patches
  // directly; the verified call below shows that the patch records without enable().
  const instrumentation = new Instrumentation({ enabled: false, captureMessageContent: CAPTURES[0] });
  instrumentation.setTracerProvider(pipelines.tracerProvider);
  instrumentation.setMeterProvider(pipelines.meterProvider);
  instrumentation.setLoggerProvider(pipelines.loggerProvider);
  instrumentation.manuallyInstrument(modules.on);

  for (const arm of COPIES) {
    for (const [where, fn] of Object.entries(p.patchPoints(modules[arm]))) {
      check(typeof fn === 'function', `${name} ${arm} copy: ${where} is not a function`);
      check(isWrapped(fn) === (arm === 'on'), `${name} ${arm} copy: ${where} is ${arm === 'on' ? 'not ' : ''}wrapped`);
    }
    for (const [where, fn] of Object.entries(p.sharedPatchPoints(modules[arm]))) {
      check(!isWrapped(fn), `${name}: the shared ${where} is wrapped: the off arm would be instrumented`);
    }
  }
  return { p, modules, instrumentation, enabled: instrumentation.isEnabled() };
}

/** Sets the capture mode of a provider's instrumentation (between cases; the patch stays as it is). */
function setCapture({ instrumentation }, capture) {
  instrumentation.setConfig({ ...instrumentation.getConfig(), captureMessageContent: capture });
  check(instrumentation.captureMode === capture, `capture mode is ${instrumentation.captureMode}, wanted ${capture}`);
}

/** What one call of an arm must export (`floor` replays what one `on` call exported). */
const expected = (arm, capture) => ({
  spans: arm === 'off' ? 0 : 1,
  events: arm !== 'off' && capture.includes('EVENT') ? 1 : 0,
  durations: arm === 'off' ? 0 : 1,
});

/** The `floor` arm's call: the replayed span opens before the uninstrumented SDK call and ends after it. */
const floorCall = (sdkCall, replay) => async () => {
  const span = replay.start();
  await sdkCall();
  replay.finish(span);
};

/**
 * One call per arm, checking what reached the exporters (like harness.verify). The `on` call's SDK calls
 * are captured (bench/sdk-replay.mjs), and the `floor` arm's call (`calls.floor`) is made from them: it
 * must export the same span and log record. Returns the capture.
 */
async function verify(name, workload, capture, calls, setup) {
  const spanContent = capture === 'SPAN_ONLY' || capture === 'SPAN_AND_EVENT';
  let captured;
  for (const arm of ARMS) {
    const want = expected(arm, capture);
    const spans0 = spanExporter.count;
    const logs0 = logExporter.count;
    const durations0 = await pipelines.durationCount();
    const call = async () => {
      await withTimeout(calls[arm](), 10_000, `${name} ${workload} ${arm}`);
      await pipelines.flush();
    };
    if (arm === 'on') captured = await captureSdkCalls(setup.instrumentation.instruments, exporters, call);
    else await call();
    const got = { spans: spanExporter.count - spans0, events: logExporter.count - logs0, durations: (await pipelines.durationCount()) - durations0 };
    if (got.spans !== want.spans || got.events !== want.events || got.durations !== want.durations) {
      throw new Error(`${name} ${workload}/${capture}, arm ${arm}: one call exported ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    if (arm === 'floor') {
      replayedDurations++;
      const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
      const s = spanExporter.last;
      const c = captured.span;
      const sameScope = s.instrumentationScope.name === c.instrumentationScope.name;
      if (s.name !== c.name || s.kind !== c.kind || !sameScope || !same(s.attributes, c.attributes)) {
        throw new Error(`${name} ${workload}/${capture}: the floor's span differs from the captured one`);
      }
      if (captured.log && !(logExporter.last.eventName === captured.log.eventName && same(logExporter.last.attributes, captured.log.attributes))) {
        throw new Error(`${name} ${workload}/${capture}: the floor's log record differs from the captured one`);
      }
      continue;
    }
    if (arm !== 'on') continue;
    instrumentedCalls++;
    // The floor arm: the off copy's SDK call (a client of its own) + the replay of what this call made.
    const durationRecords = recordsOn(captured, setup.instrumentation.instruments.operationDuration);
    check(durationRecords === 1, `${name} ${workload}/${capture}: the call made ${durationRecords} duration records`);
    const { p, modules } = setup;
    calls.floor = floorCall(p.workloads[workload].call(clientFor(p, modules.off, workload), modules.off), sdkReplay(captured, pipelineProviders));
    const a = spanExporter.last.attributes;
    const problems = [];
    if (a['gen_ai.operation.name'] !== OPERATION[name]) problems.push(`operation name ${a['gen_ai.operation.name']}`);
    if (a['gen_ai.request.model'] !== REQUEST_MODEL[name]) problems.push(`request model ${a['gen_ai.request.model']}`);
    if (a['gen_ai.usage.input_tokens'] !== 38) problems.push(`input tokens ${a['gen_ai.usage.input_tokens']}`);
    if (a['gen_ai.usage.output_tokens'] !== 25) problems.push(`output tokens ${a['gen_ai.usage.output_tokens']}`);
    if (a['server.address'] !== expectedHost(p)) problems.push(`server.address ${a['server.address']}`);
    if (spanContent) {
      if (!String(a['gen_ai.input.messages'] ?? '').includes(QUESTION)) problems.push('input messages on the span');
      const systemIn = setup.p.systemIn ?? 'gen_ai.system_instructions';
      if (!String(a[systemIn] ?? '').includes(SYSTEM)) problems.push(`the system prompt in ${systemIn} on the span`);
      if (!String(a['gen_ai.output.messages'] ?? '').includes(JSON.stringify(ANSWER).slice(1, -1))) problems.push('the answer in output messages on the span');
    } else if (a['gen_ai.input.messages'] !== undefined) {
      problems.push(`content on the span in ${capture}`);
    }
    if (workload === 'stream' && typeof a['gen_ai.response.time_to_first_chunk'] !== 'number') problems.push('time to first chunk');
    if (want.events) {
      const e = logExporter.last;
      if (e?.eventName !== 'gen_ai.client.inference.operation.details') problems.push(`event name ${e?.eventName}`);
      if (e?.attributes?.['gen_ai.input.messages'] === undefined) problems.push('input messages on the event');
      if (!JSON.stringify(e?.attributes?.['gen_ai.output.messages'] ?? '').includes(JSON.stringify(ANSWER).slice(1, -1))) problems.push('the answer on the event');
    }
    if (problems.length) throw new Error(`${name} ${workload}/${capture}: exported telemetry is wrong: ${problems.join(', ')}`);
  }
  checkConsole(`${name} ${workload}`);
  return captured;
}

// ------------------------------------------------------------------------------------------- measuring

async function runCase(name, workload, capture, setup) {
  const { p, modules } = setup;
  setCapture(setup, capture);
  const calls = Object.fromEntries(COPIES.map((arm) => [arm, p.workloads[workload].call(clientFor(p, modules[arm], workload), modules[arm])]));
  /** Calls of an arm that record a duration: the `on` arm's, and the `floor` arm's replays. */
  const countOn = (arm, n) => {
    if (arm === 'on') instrumentedCalls += n;
    if (arm === 'floor') replayedDurations += n;
  };
  const captured = await verify(name, workload, capture, calls, setup); // also makes calls.floor

  for (let round = 0; round < 3; round++) {
    for (const arm of ARMS) countOn(arm, (await timed(calls[arm], WARMUP_MS / (3 * ARMS.length))).n);
  }
  const sizing = await timed(calls.on, Math.min(100, BLOCK_MS));
  countOn('on', sizing.n);
  await pipelines.flush();
  const n = Math.max(20, Math.round((BLOCK_MS * 1000) / sizing.wallUs));

  const blocks = { off: [], on: [], floor: [] };
  for (let round = 0; round < BLOCKS; round++) {
    for (const arm of orderOf(ARMS, round)) {
      blocks[arm].push(await measureCallBlock(calls[arm], n, expected(arm, capture), exporters));
      countOn(arm, n);
    }
  }

  const memCalls = 3 * n;
  const heap = {};
  for (const arm of ARMS) {
    heap[arm] = await heapGrowthOf(calls[arm], memCalls, pipelines.flush);
    countOn(arm, memCalls);
  }
  checkConsole(`${name} ${workload}`);

  // The floor against off (floor added), and ours against the floor (ours − floor), per round as for added.
  const floor = compareArms({ off: blocks.off, on: blocks.floor });
  const beyond = compareArms({ off: blocks.floor, on: blocks.on });
  return {
    provider: name,
    workload,
    capture,
    label: p.workloads[workload].label,
    transport: transportLabel(p),
    n,
    ...compareArms({ off: blocks.off, on: blocks.on }),
    floorMed: floor.onMed,
    floorAdded: floor.added,
    floorSpread: floor.pairedSpread,
    floorWall: floor.onWall,
    oursMinusFloor: beyond.added,
    oursMinusFloorSpread: beyond.pairedSpread,
    oursMinusFloorThread: beyond.threadAdded,
    oursMinusFloorLow: beyond.lowAdded,
    replays: describeCapture(captured),
    memCalls,
    heap,
  };
}

// -------------------------------------------------------------------------------------------- report

const TRANSPORT_SENTENCE =
  TRANSPORT === 'loopback'
    ? 'Loopback server in a child process (not counted).'
    : 'In-memory transport: each SDK\'s transport hook answers in the process (no sockets), a new response per call.';

function report(results, meta) {
  const L = [];
  L.push('# Per-provider instrumentation CPU overhead per call, and the SDK floor');
  L.push('');
  L.push(
    `${meta.date} · Node ${process.version} · ${meta.sdks} · ${meta.pkg} · OTel SDK trace ${meta.otel.trace}, metrics ${meta.otel.metrics}, ` +
      `logs ${meta.otel.logs} · ${os.cpus()[0]?.model ?? 'cpu?'} × ${os.cpus().length}, load avg ${meta.loadStart} at start, ` +
      `${os.loadavg()[0].toFixed(2)} at end · capture ${CAPTURES.join(', ')} · ${BLOCKS} blocks/arm of ~${BLOCK_MS} ms · GC access: ${gcSource}`,
  );
  L.push('');
  L.push(
    `${TRANSPORT_SENTENCE} ` +
      'CPU per call = process.cpuUsage() user+system of the benchmark ' +
      'process (all threads) over a block, including a forceFlush of spans and logs, ÷ calls; median over blocks. ' +
      'Disabled = a never-patched copy of the SDK. Enabled = another copy, patched through `manuallyInstrument` by an ' +
      'instrumentation constructed with `enabled: false`, real SDK pipelines. Floor = the disabled copy\'s call plus a replay of ' +
      'exactly the OTel SDK calls one enabled call made (span, details event, histogram records: bench/sdk-replay.mjs), through ' +
      'the enabled arm\'s providers and histograms. **added** = median(enabled) − median(disabled); **floor added** = ' +
      'median(floor) − median(disabled): the SDK\'s telemetry cost alone; **ours − floor** = median(enabled) − median(floor): ' +
      'this package\'s own code. Their spreads are the 2.5–97.5 percentile of the per-round differences; the disabled and ' +
      'enabled spreads are across blocks. *main thread* = the same from process.threadCpuUsage(). *p25* = 25th percentile ' +
      'minus 25th percentile: the quieter blocks\' estimate.',
  );
  L.push('');
  L.push(
    '| provider | workload | capture | calls/block | disabled µs | enabled µs | **added µs** | ratio | added 95% spread | floor added µs | floor added 95% spread | **ours − floor µs** | ours − floor 95% spread | disabled spread | enabled spread | added, main thread | ours − floor, main thread | added, p25 | ours − floor, p25 |',
  );
  L.push('|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    L.push(
      `| ${r.provider} | ${r.label} (${r.transport}) | ${r.capture} | ${r.n} | ${f1(r.offMed)} | ${f1(r.onMed)} | **${f1(r.added)}** | ${r.ratio.toFixed(2)} | ` +
        `${range(r.pairedSpread)} | ${f1(r.floorAdded)} | ${range(r.floorSpread)} | **${f1(r.oursMinusFloor)}** | ${range(r.oursMinusFloorSpread)} | ` +
        `${range(r.offSpread)} | ${range(r.onSpread)} | ${f1(r.threadAdded)} | ${f1(r.oursMinusFloorThread)} | ${f1(r.lowAdded)} | ${f1(r.oursMinusFloorLow)} |`,
    );
  }
  L.push('');
  L.push(
    'What the floor replays per call (captured from the verified enabled call). Memory: growth of V8 used heap between two ' +
      'full GCs around a run of calls in one arm (after the timed rounds). Wall time per call for reference' +
      (TRANSPORT === 'loopback' ? ' (it includes the server\'s time).' : '.'),
  );
  L.push('');
  L.push('| provider | workload | capture | floor replays | calls | heap Δ disabled | heap Δ enabled | heap Δ floor | wall µs/call disabled → enabled, floor |');
  L.push('|---|---|---|---|--:|--:|--:|--:|--:|');
  for (const r of results) {
    L.push(
      `| ${r.provider} | ${r.label} | ${r.capture} | ${r.replays} | ${r.memCalls} | ${kb(r.heap.off)} | ${kb(r.heap.on)} | ${kb(r.heap.floor)} | ` +
        `${f1(r.offWall)} → ${f1(r.onWall)}, ${f1(r.floorWall)} |`,
    );
  }
  L.push('');
  L.push(
    `Sanity: ${meta.spans} spans and ${meta.logs} details events exported (and dropped); gen_ai.client.operation.duration ` +
      `count ${meta.durationCount} = instrumented calls ${instrumentedCalls} + floor replays ${replayedDurations}; instrumentation ` +
      `diag warnings/errors: ${diagProblems.length}; instrumentations ${meta.enabledState}. Heap after full GC: ` +
      `${(meta.heapStart / 1048576).toFixed(1)} MB at start, ${(meta.heapEnd / 1048576).toFixed(1)} MB at end. Run time ${meta.seconds.toFixed(0)} s.`,
  );
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const started = performance.now();
  const loadStart = os.loadavg()[0].toFixed(2);
  fullGc();
  const heapStart = heapUsed();
  const dist = require(DIST);
  const setups = {};
  for (const name of PROVIDER_NAMES) setups[name] = setupProvider(name, dist);
  if (TRANSPORT === 'loopback') {
    server = await startServer();
    server.child.on('exit', (code, signal) => {
      if (!server.stopping) {
        process.stderr.write(`\nBENCHMARK ABORTED: the provider server exited (${code ?? signal})\n`);
        process.exit(2);
      }
    });
  }

  const results = [];
  for (const name of PROVIDER_NAMES) {
    for (const workload of WORKLOADS) {
      for (const capture of CAPTURES) {
        process.stderr.write(`${name} ${workload} ${capture} ... `);
        const r = await runCase(name, workload, capture, setups[name]);
        process.stderr.write(
          `${f1(r.offMed)} → ${f1(r.onMed)} µs/call (+${f1(r.added)}, p25 +${f1(r.lowAdded)}); floor +${f1(r.floorAdded)}, ` +
            `ours − floor ${f1(r.oursMinusFloor)}; ${r.n} calls/block\n`,
        );
        results.push(r);
      }
    }
  }
  if (server) {
    server.stopping = true;
    server.child.stdin.end();
  }

  await pipelines.flush();
  fullGc();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    pkg: `${pkg.name}@${pkg.version}`,
    sdks: PROVIDER_NAMES.map((n) => `${PROVIDERS[n].pkg} ${versionOf(PROVIDERS[n].pkg)}`).join(', '),
    otel: { trace: versionOf('@opentelemetry/sdk-trace-base'), metrics: versionOf('@opentelemetry/sdk-metrics'), logs: versionOf('@opentelemetry/sdk-logs') },
    loadStart,
    spans: spanExporter.count,
    logs: logExporter.count,
    durationCount: await pipelines.durationCount(),
    enabledState: Object.values(setups).every((s) => !s.enabled && !s.instrumentation.isEnabled()) ? 'never enabled' : 'enabled',
    heapStart,
    heapEnd: heapUsed(),
    seconds: (performance.now() - started) / 1000,
  };
  if (meta.durationCount !== instrumentedCalls + replayedDurations) {
    throw new Error(`duration histogram counted ${meta.durationCount} calls, expected ${instrumentedCalls} instrumented + ${replayedDurations} replayed`);
  }
  if (diagProblems.length) throw new Error(`the instrumentations reported problems:\n${diagProblems.slice(0, 5).join('\n')}`);

  const md = report(results, meta);
  process.stdout.write(`\n${md}`);
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'providers.md'), md);
  process.stderr.write('written to bench/results/providers.md\n');
  await pipelines.shutdown();
}

main().catch((err) => {
  process.stderr.write(`\nBENCHMARK ABORTED: ${err?.stack ?? err}\n`);
  if (server) {
    server.stopping = true;
    server.child.kill();
  }
  process.exit(2);
});
