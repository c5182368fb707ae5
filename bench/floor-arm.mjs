/*
 * The `floor` arm of the peer comparison (bench/peers.mjs): the best possible alternative to this package
 * for the benchmark's workload. A minimal hand-written instrumentation of one `openai` copy, a plain
 * wrapper of `Chat.Completions.prototype.create` and `Embeddings.prototype.create`, that records EXACTLY
 * the telemetry ours records for the workload (bench/peer-arms.mjs checkSameTelemetry compares the span
 * and the metric data points of one verified call of each, every case): the same span name, kind,
 * instrumentation scope and attributes with the same values, the same content attributes (capture on:
 * ours in SPAN_ONLY mode), the same four histograms (names, descriptions, units, value types, advised
 * bucket boundaries) with the same attribute sets, and per stream the time to first chunk (attribute and
 * histogram) and one `time_per_output_chunk` record per chunk after the first.
 *
 * What it leaves out, on purpose (it is a floor, not a product): no generality and no safety layers
 * beyond what keeps the results correct. It handles what the workload sends and gets: text messages
 * (string content), one choice, no tools, no refusals, the `openai` provider (no Azure / Bedrock / host
 * lookup), no GenAI context metadata, no sampling-aware content gate, no per-call try/catch around the
 * telemetry (a throw in it would reach the app), no abandoned-stream tracking, no idle limit, no
 * `tee()`/`toReadableStream()` support, no exception event on a failed call (status and `error.type`
 * only). Content: it builds `gen_ai.input.messages` / `gen_ai.output.messages` straight from the request
 * and response and does NO redaction and NO truncation; ours, by default, runs every piece of content
 * through its redaction and fits it to its byte budget (the workload's content is small and has nothing to
 * redact, so the values are equal). Like ours, it runs the SDK call in the span's context (so transport
 * spans would nest under it) and returns the SDK's own APIPromise (withResponse() etc. keep working).
 *
 * With `metrics: false` (the `floor-span` arm) it records the span alone: no histogram record and no
 * metric attribute set is made. floor − floor-span is then what the metric records cost in the same run,
 * the part of the floor that a peer recording no metrics (OpenLLMetry) does not pay.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './harness.mjs';

const require = createRequire(import.meta.url);
const { SpanKind, SpanStatusCode, ValueType, context, trace } = require('@opentelemetry/api');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The instrumentation scope ours uses for `openai` (compared with ours' by checkSameTelemetry). */
const SCOPE_NAME = `${pkg.name}/openai`;
const SCOPE_VERSION = pkg.version;

/** The conventions' advised bucket boundaries, as ours advises them. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Marks `patched` the way shimmer does, so isWrapped() (bench/peer-arms.mjs) sees the copy instrumented. */
function wrap(proto, name, makePatched) {
  const original = proto[name];
  const patched = makePatched(original);
  patched.__original = original;
  patched.__unwrap = () => (proto[name] = original);
  patched.__wrapped = true;
  proto[name] = patched;
}

/**
 * Instruments the `openai` class `OpenAI` (one copy) with the providers given; `content`: record message
 * content on the span (ours' SPAN_ONLY) or not (NO_CONTENT); `metrics`: make the metric records (the
 * floor) or not (the floor's span alone).
 */
export function instrumentFloor(OpenAI, { tracerProvider, meterProvider }, { content, metrics = true }) {
  const tracer = tracerProvider.getTracer(SCOPE_NAME, SCOPE_VERSION);
  const meter = meterProvider.getMeter(SCOPE_NAME, SCOPE_VERSION);
  const histogram = (name, description, unit, buckets, valueType) =>
    meter.createHistogram(name, { description, unit, ...(valueType === undefined ? {} : { valueType }), advice: { explicitBucketBoundaries: buckets } });
  const duration = histogram('gen_ai.client.operation.duration', 'GenAI operation duration.', 's', DURATION_BUCKETS);
  const tokenUsage = histogram('gen_ai.client.token.usage', 'Number of input and output tokens used.', '{token}', TOKEN_BUCKETS, ValueType.INT);
  const timeToFirstChunk = histogram(
    'gen_ai.client.operation.time_to_first_chunk',
    'Time from the request until the first chunk of a streamed response arrives.',
    's',
    DURATION_BUCKETS,
  );
  const timePerOutputChunk = histogram(
    'gen_ai.client.operation.time_per_output_chunk',
    'Time between consecutive chunks of a streamed response, after the first.',
    's',
    DURATION_BUCKETS,
  );

  /** server.address / server.port of a client, parsed once per client (its baseURL is fixed). */
  const servers = new WeakMap();
  function serverOf(client) {
    let s = servers.get(client);
    if (s === undefined) {
      const url = new URL(client.baseURL);
      s = { address: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
      servers.set(client, s);
    }
    return s;
  }

  /** Starts the span (with the attributes samplers see) and runs the SDK call in its context. */
  function start(operation, self, original, body, options) {
    const server = serverOf(self._client);
    const model = body.model;
    const span = tracer.startSpan(`${operation} ${model}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': operation,
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'server.address': server.address,
        'server.port': server.port,
      },
    });
    const call = { operation, span, startedAt: performance.now(), body, server, promise: undefined };
    call.promise = context.with(trace.setSpan(context.active(), span), original, self, body, options);
    return call;
  }

  /** The attributes of every metric record of a call (token records add gen_ai.token.type). */
  function metricAttributes(call, responseModel, tier, fingerprint) {
    const attrs = {
      'gen_ai.operation.name': call.operation,
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': call.body.model,
      'server.address': call.server.address,
      'server.port': call.server.port,
    };
    if (responseModel !== undefined) attrs['gen_ai.response.model'] = responseModel;
    if (tier !== undefined) attrs['openai.response.service_tier'] = tier;
    if (fingerprint !== undefined) attrs['openai.response.system_fingerprint'] = fingerprint;
    return attrs;
  }

  /** Token records, then the duration. */
  function recordTokens(base, inputTokens, outputTokens) {
    if (inputTokens !== undefined) tokenUsage.record(inputTokens, { ...base, 'gen_ai.token.type': 'input' });
    if (outputTokens !== undefined) tokenUsage.record(outputTokens, { ...base, 'gen_ai.token.type': 'output' });
  }

  function fail(call, error) {
    const durationS = (performance.now() - call.startedAt) / 1000;
    const errorType = error?.constructor?.name ?? '_OTHER';
    call.span.setAttribute('error.type', errorType);
    call.span.setStatus({ code: SpanStatusCode.ERROR, message: String(error?.message ?? error) });
    call.span.end();
    if (metrics) duration.record(durationS, { ...metricAttributes(call), 'error.type': errorType });
  }

  /** The chat request's attributes (what the workload's requests can carry), written into `attrs`. */
  function chatRequestAttributes(body, attrs) {
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (typeof maxTokens === 'number') attrs['gen_ai.request.max_tokens'] = maxTokens;
    if (typeof body.temperature === 'number') attrs['gen_ai.request.temperature'] = body.temperature;
    if (typeof body.top_p === 'number') attrs['gen_ai.request.top_p'] = body.top_p;
    if (typeof body.seed === 'number') attrs['gen_ai.request.seed'] = body.seed;
    if (body.stream === true) attrs['gen_ai.request.stream'] = true;
    attrs['openai.api.type'] = 'chat_completions';
    return attrs;
  }

  const finishReason = (r) => (r === 'tool_calls' || r === 'function_call' ? 'tool_call' : (r ?? 'error'));

  /** Usage → the span's usage attributes. */
  function usageAttributes(u, attrs) {
    if (typeof u.prompt_tokens === 'number') attrs['gen_ai.usage.input_tokens'] = u.prompt_tokens;
    if (typeof u.completion_tokens === 'number') attrs['gen_ai.usage.output_tokens'] = u.completion_tokens;
    const cached = u.prompt_tokens_details?.cached_tokens;
    if (typeof cached === 'number') attrs['gen_ai.usage.cache_read.input_tokens'] = cached;
    const reasoning = u.completion_tokens_details?.reasoning_tokens;
    if (typeof reasoning === 'number') attrs['gen_ai.usage.reasoning.output_tokens'] = reasoning;
  }

  /** The request's messages as ours writes them (text messages only; no redaction, no truncation). */
  const inputMessagesJson = (messages) =>
    JSON.stringify(messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] })));

  /** One assistant message with its text and finish reason (no redaction, no truncation). */
  const outputMessagesJson = (role, text, finish) =>
    JSON.stringify([{ role: role ?? 'assistant', parts: text ? [{ type: 'text', content: text }] : [], finish_reason: finish }]);

  /** Ends a chat call from its response (a ChatCompletion, or a stream's accumulated state). */
  function endChat(call, r) {
    const durationS = (performance.now() - call.startedAt) / 1000;
    const attrs = chatRequestAttributes(call.body, {});
    if (r.id !== undefined) attrs['gen_ai.response.id'] = r.id;
    if (r.model !== undefined) attrs['gen_ai.response.model'] = r.model;
    attrs['gen_ai.response.finish_reasons'] = [r.finish];
    if (r.usage) usageAttributes(r.usage, attrs);
    const tier = typeof r.service_tier === 'string' ? r.service_tier : undefined;
    const fingerprint = typeof r.system_fingerprint === 'string' ? r.system_fingerprint : undefined;
    if (tier !== undefined) attrs['openai.response.service_tier'] = tier;
    if (fingerprint !== undefined) attrs['openai.response.system_fingerprint'] = fingerprint;
    const ttfc = call.firstChunkAt === undefined ? undefined : (call.firstChunkAt - call.startedAt) / 1000;
    if (ttfc !== undefined) attrs['gen_ai.response.time_to_first_chunk'] = ttfc;
    if (call.input !== undefined) {
      attrs['gen_ai.input.messages'] = call.input;
      attrs['gen_ai.output.messages'] = outputMessagesJson(r.role, r.text, r.finish);
    }
    call.span.setAttributes(attrs);
    call.span.end();
    if (!metrics) return;
    const base = metricAttributes(call, r.model, tier, fingerprint);
    recordTokens(base, r.usage?.prompt_tokens, r.usage?.completion_tokens);
    if (ttfc !== undefined) timeToFirstChunk.record(ttfc, base);
    if (call.gaps !== undefined) for (const gap of call.gaps) timePerOutputChunk.record(gap, base);
    duration.record(durationS, base);
  }

  /** A ChatCompletion (one choice) → what endChat reads. */
  function chatResult(call, result) {
    const choice = result.choices[0];
    endChat(call, {
      id: result.id,
      model: result.model,
      finish: finishReason(choice?.finish_reason),
      usage: result.usage,
      service_tier: result.service_tier,
      system_fingerprint: result.system_fingerprint,
      role: choice?.message?.role,
      text: choice?.message?.content,
    });
  }

  /** One streamed chunk (or the end of the stream) of a call. */
  function onChunk(call, step) {
    if (call.ended) return;
    if (step.done) {
      call.ended = true;
      endChat(call, call.acc);
      return;
    }
    const now = performance.now();
    if (call.firstChunkAt === undefined) call.firstChunkAt = now;
    else (call.gaps ??= []).push((now - call.lastChunkAt) / 1000);
    call.lastChunkAt = now;
    const c = step.value;
    const acc = call.acc;
    acc.id ??= c.id;
    acc.model ??= c.model;
    acc.service_tier ??= c.service_tier;
    acc.system_fingerprint ??= c.system_fingerprint;
    if (c.usage) acc.usage = c.usage;
    const choice = c.choices[0];
    if (choice !== undefined) {
      acc.role ??= choice.delta?.role;
      if (call.input !== undefined && choice.delta?.content) acc.text += choice.delta.content;
      if (choice.finish_reason) acc.finish = finishReason(choice.finish_reason);
    }
  }

  /** The stream's iterator, observed: every chunk goes through onChunk before the app gets it. */
  function observed(inner, call) {
    const onStep = (step) => {
      onChunk(call, step);
      return step;
    };
    const onError = (error) => {
      if (!call.ended) {
        call.ended = true;
        fail(call, error);
      }
      throw error;
    };
    return {
      next: () => inner.next().then(onStep, onError),
      return(value) {
        if (!call.ended) {
          call.ended = true;
          endChat(call, call.acc); // the app stopped reading: what it got so far
        }
        return inner.return(value);
      },
      throw: (error) => inner.throw(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  wrap(OpenAI.Chat.Completions.prototype, 'create', (original) =>
    function create(body, options) {
      const call = start('chat', this, original, body, options);
      // Content is taken at the start: the app may change its messages while a stream runs.
      call.input = content ? inputMessagesJson(body.messages) : undefined;
      if (body.stream === true) {
        call.acc = { text: '', finish: 'error' };
        call.ended = false;
        call.promise.then(
          (stream) => {
            // Stream[Symbol.asyncIterator]() calls this.iterator(): observe each iteration of this stream.
            const iterate = stream.iterator;
            stream.iterator = function () {
              return observed(iterate.call(this), call);
            };
          },
          (error) => fail(call, error),
        );
      } else {
        call.promise.then((result) => chatResult(call, result), (error) => fail(call, error));
      }
      // The SDK's own APIPromise: the reactions above were attached first, so they run before the app's.
      return call.promise;
    },
  );

  wrap(OpenAI.Embeddings.prototype, 'create', (original) =>
    function create(body, options) {
      const call = start('embeddings', this, original, body, options);
      call.promise.then(
        (result) => {
          const durationS = (performance.now() - call.startedAt) / 1000;
          const attrs = {};
          if (typeof body.encoding_format === 'string') attrs['gen_ai.request.encoding_formats'] = [body.encoding_format];
          if (result.model !== undefined) attrs['gen_ai.response.model'] = result.model;
          const inputTokens = result.usage?.prompt_tokens;
          if (typeof inputTokens === 'number') attrs['gen_ai.usage.input_tokens'] = inputTokens;
          const dimensions = body.dimensions ?? result.data[0]?.embedding?.length;
          if (typeof dimensions === 'number') attrs['gen_ai.embeddings.dimension.count'] = dimensions;
          call.span.setAttributes(attrs);
          call.span.end();
          if (!metrics) return;
          const base = metricAttributes(call, result.model);
          recordTokens(base, inputTokens, undefined);
          duration.record(durationS, base);
        },
        (error) => fail(call, error),
      );
      return call.promise;
    },
  );
}
