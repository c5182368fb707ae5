/*
 * The arms of the peer comparison (bench/peers.mjs): this package and the two other OpenAI
 * instrumentations for Node, each on its own copy of `openai` with its own real SDK pipelines
 * (pipelines.mjs: its own batch processors, metric aggregations and dropping exporters), so nothing one
 * arm records lands in another's queues, and each arm's counts can be checked on their own.
 *
 *   off          a copy never patched.
 *   ours         this package's OpenAIInstrumentation (from dist/), `enabled: false` (no require hook) and
 *                manuallyInstrument(copy). Capture off: `captureMessageContent: false` (NO_CONTENT); on:
 *                `true`, which this package reads as SPAN_ONLY (content on the span), or the mode given.
 *   contrib      @opentelemetry/instrumentation-openai's OpenAIInstrumentation, `captureMessageContent`
 *                false/true (content in the bodies of its per-message log records; it emits the records
 *                either way). It must be enabled: its patched `create` checks isEnabled() on every call
 *                and records nothing when disabled. So it is constructed enabled, after every copy is
 *                loaded and the `openai` files are dropped from require.cache (its hook then never sees a
 *                copy), and its copy is patched by calling the patch function of its own module
 *                definition (getModuleDefinitions()), which skips the hook's version check: 0.21 declares
 *                `openai >=4.19.0 <7`.
 *   openllmetry  @traceloop/instrumentation-openai's OpenAIInstrumentation, `traceContent` false/true
 *                (content on the span), `enabled: false` and manuallyInstrument(OpenAI class): it does not
 *                check isEnabled() per call nor the version (it declares `openai >=4 <7`). It records
 *                spans only (no metrics, no log records) and does not wrap `embeddings.create`.
 *
 * Whether an arm instruments a workload is read from its copy (is the resource's `create` wrapped), not
 * assumed. verifyCall() checks what one call of an arm exported, so an arm that records less than it
 * should (a silent peer would look cheap) stops the run.
 */
import { createRequire } from 'node:module';
import { CHAT_MODEL, EMBEDDINGS_MODEL, STREAM_TEXT } from './fixtures.mjs';
import { callFor, classOf, dropOpenAIFromCache, freshOpenAI, inMemoryFetch, openaiVersionIn, readVersion } from './harness.mjs';
import { clearCaptureEnv, createSignalPipelines, installGlobals } from './pipelines.mjs';

const require = createRequire(import.meta.url);

export const ARM_NAMES = ['off', 'ours', 'contrib', 'openllmetry'];
export const PEERS = ['contrib', 'openllmetry'];
const CONTRIB = '@opentelemetry/instrumentation-openai';
const OPENLLMETRY = '@traceloop/instrumentation-openai';

/** How each instrumented arm is configured for capture off / on (printed with the results). */
export function armConfigs(oursCaptureOn) {
  return {
    ours: { off: { captureMessageContent: false }, on: { captureMessageContent: oursCaptureOn } },
    contrib: { off: { captureMessageContent: false }, on: { captureMessageContent: true } },
    openllmetry: { off: { traceContent: false }, on: { traceContent: true } },
  };
}

export const peerVersions = () => ({ contrib: readVersion(CONTRIB), openllmetry: readVersion(OPENLLMETRY) });

/**
 * Builds the arms for one capture setting ('off' | 'on'). `openaiDir`: the `openai` package folder
 * (undefined: the installed one). `oursCaptureOn`: the captureMessageContent value for ours with capture on.
 */
export function createArms({ dist, openaiDir, capture, oursCaptureOn = true, names = ARM_NAMES }) {
  clearCaptureEnv(); // read by ours and contrib; it would override the options
  const { api, diagProblems } = installGlobals();
  const { isWrapped } = require('@opentelemetry/instrumentation');
  const configs = armConfigs(oursCaptureOn);
  const openaiVersion = openaiVersionIn(openaiDir);

  // Every copy first, then forget them: no instrumentation's require hook can ever see one.
  const copies = Object.fromEntries(names.map((name) => [name, freshOpenAI(openaiDir)]));
  dropOpenAIFromCache(openaiDir);

  const arms = {};
  for (const name of names) {
    const pipelines = createSignalPipelines();
    const wire = (inst) => {
      inst.setTracerProvider(pipelines.tracerProvider);
      inst.setMeterProvider(pipelines.meterProvider);
      inst.setLoggerProvider?.(pipelines.loggerProvider);
      return inst;
    };
    const OpenAI = classOf(copies[name]);
    let instrumentation;
    if (name === 'ours') {
      const { OpenAIInstrumentation } = require(dist);
      instrumentation = wire(new OpenAIInstrumentation({ enabled: false, ...configs.ours[capture] }));
      instrumentation.manuallyInstrument(copies[name]);
    } else if (name === 'contrib') {
      const { OpenAIInstrumentation } = require(CONTRIB);
      instrumentation = wire(new OpenAIInstrumentation(configs.contrib[capture]));
      if (!instrumentation.isEnabled()) throw new Error('contrib: not enabled, its patched create would record nothing');
      const [definition] = instrumentation.getModuleDefinitions();
      definition.patch(copies[name], openaiVersion);
    } else if (name === 'openllmetry') {
      const { OpenAIInstrumentation } = require(OPENLLMETRY);
      instrumentation = wire(new OpenAIInstrumentation({ enabled: false, ...configs.openllmetry[capture] }));
      instrumentation.manuallyInstrument(OpenAI);
    }
    const wrapped = {
      chat: isWrapped(OpenAI.Chat.Completions.prototype.create),
      embeddings: isWrapped(OpenAI.Embeddings.prototype.create),
    };
    if (name === 'off' ? wrapped.chat || wrapped.embeddings : !wrapped.chat) {
      throw new Error(`${name}: chat.completions.create is ${wrapped.chat ? '' : 'not '}wrapped`);
    }
    arms[name] = {
      name,
      OpenAI,
      pipelines,
      instrumentation,
      config: configs[name]?.[capture],
      /** Does this arm record the workload (off: never)? */
      instruments: (workload) => (workload === 'embeddings' ? wrapped.embeddings : wrapped.chat),
      /** A function making one call of the workload through this arm's copy, on the in-memory transport. */
      callFor(workload) {
        const client = new OpenAI({ apiKey: 'sk-bench', maxRetries: 0, baseURL: 'https://api.openai.com/v1', fetch: inMemoryFetch(workload) });
        return callFor(client, workload);
      },
    };
  }
  if (new Set(Object.values(arms).map((a) => a.OpenAI)).size !== names.length) throw new Error('the openai copies are not independent');
  return { api, arms, diagProblems, openaiVersion };
}

/**
 * Arms that do not read the usage chunk of a stream (OpenLLMetry 0.27 takes usage from a non-streamed
 * result only, or counts tokens itself with `enrichTokens`, off by default): their stream spans carry no
 * token counts, which the report states.
 */
export const STREAM_USAGE_UNREAD = ['openllmetry'];

const EXPECTED_SPAN_NAME = { chat: `chat ${CHAT_MODEL}`, stream: `chat ${CHAT_MODEL}`, embeddings: `embeddings ${EMBEDDINGS_MODEL}` };

/** Total recordings over all histograms of an arm's MeterProvider. */
const metricRecords = async (pipelines) => Object.values(await pipelines.histogramCounts()).reduce((a, b) => a + b, 0);

/**
 * One call of `workload` through `arm`, outside any timing; checks what its exporters got and returns
 * what one call exports ({ spans, logs, metricRecords, durations }), for the per-block checks and the
 * report. An instrumented arm must export one span with the expected name, the usage and finish reason
 * the response carried, and content exactly when capture is on; `off` must export nothing.
 */
export async function verifyCall(arm, workload, captureOn) {
  const { spanExporter, logExporter } = arm.pipelines;
  const metrics0 = await metricRecords(arm.pipelines);
  const durations0 = await arm.pipelines.durationCount();
  spanExporter.kept = [];
  logExporter.kept = [];
  try {
    await arm.callFor(workload)();
    await arm.pipelines.flush();
  } finally {
    var spans = spanExporter.kept;
    var logs = logExporter.kept;
    spanExporter.kept = logExporter.kept = undefined;
  }
  const got = {
    spans: spans.length,
    logs: logs.length,
    metricRecords: (await metricRecords(arm.pipelines)) - metrics0,
    durations: (await arm.pipelines.durationCount()) - durations0,
  };
  const fail = (what) => {
    throw new Error(`${workload}, capture ${captureOn ? 'on' : 'off'}, arm ${arm.name}: ${what} (one call exported ${JSON.stringify(got)})`);
  };
  if (!arm.instruments(workload)) {
    if (got.spans || got.logs || got.metricRecords) fail('exported telemetry, but its copy is not patched for this workload');
    return got;
  }
  if (got.spans !== 1) fail('expected exactly one span');
  const span = spans[0];
  const attr = (k) => span.attributes[k];
  if (span.name !== EXPECTED_SPAN_NAME[workload]) fail(`span named ${JSON.stringify(span.name)}, expected ${JSON.stringify(EXPECTED_SPAN_NAME[workload])}`);
  if (workload === 'embeddings') {
    if (attr('gen_ai.usage.input_tokens') !== 10) fail('no gen_ai.usage.input_tokens = 10 on the span');
    return got;
  }
  // The finish reason comes from the last choice chunk: the arm saw the whole stream.
  if (!String(attr('gen_ai.response.finish_reasons')).includes('stop')) fail('no finish reason on the span');
  const readsUsage = workload !== 'stream' || !STREAM_USAGE_UNREAD.includes(arm.name);
  if (readsUsage && attr('gen_ai.usage.output_tokens') !== 25) fail('no gen_ai.usage.output_tokens = 25 on the span (usage not read)');
  const userText = 'capital of France';
  const contentOnSpan = String(attr('gen_ai.input.messages') ?? '').includes(userText);
  const contentInLogs = logs.some((r) => JSON.stringify({ body: r.body, attributes: r.attributes }).includes(userText));
  if ((contentOnSpan || contentInLogs) !== captureOn) fail(`message content ${captureOn ? 'missing' : 'exported with capture off'}`);
  if (captureOn && workload === 'stream') {
    // The streamed answer must have been assembled wherever the arm puts content.
    const out = String(attr('gen_ai.output.messages') ?? '') + logs.map((r) => JSON.stringify(r.body ?? r.attributes)).join('');
    if (!out.includes(STREAM_TEXT.slice(-20))) fail('the streamed answer is not in the exported content');
  }
  return got;
}
