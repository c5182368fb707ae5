/*
 * One wrapped AI SDK call (`ai` 5 and 6: generateText, streamText, generateObject, streamObject, embed,
 * embedMany and the agents' generate / stream; `ai` 7: generateObject, streamObject), from its options:
 *   - a generateText / streamText call gets an `invoke_agent` span as `ai` 7's channel gives it
 *     (./agent-stages.ts: the `agentSpans` policy, `invoke_agent {functionId}`), started in the caller's
 *     context and ended when the call is done: generateText's promise settles, or streamText's full
 *     result is (the AI SDK's own total-usage promise, which `ai` 7 ends its channel message with: after
 *     the last step, also after an abort), or the app stopped reading it (./stream-result-watch.ts);
 *   - the options it is called with instead: the model behind the observing Proxy (./observed-model.ts;
 *     a model id resolved as ./default-provider.ts says), the tools with recording `execute`
 *     (./tool-wrapping.ts), `prepareStep` handing the app its own model and observing a model it returns.
 * The model and tool spans are children of the invoke_agent span, else of the caller's context: given
 * explicitly, since the AI SDK runs a streamed tool loop's steps from the stream the app reads.
 */
import { type Context, context as contextApi, diag } from '@opentelemetry/api';
import type { GenAIInstrumentationBase } from '../../core';
import { asObject, isThenable, safely, tapSettlement } from '../../core';
import { type AgentSpanPolicy, type OpenStage, openAgentStage, wantsAgentSpan } from './agent-stages';
import { type IdResolution, idProvider, modelOfId } from './default-provider';
import { type Model, type ModelScope, appModelOf, observedModel } from './observed-model';
import { watchStreamResult } from './stream-result-watch';
import { recordingTools } from './tool-wrapping';

/** What the wrapped calls need of the instrumentation. */
export interface WrappingEnv {
  readonly instrumentation: GenAIInstrumentationBase;
  /** False once the instrumentation is disabled (a returned copy of the exports stays wrapped). */
  recording(): boolean;
  agentSpans(): AgentSpanPolicy;
  /** As an `ai` 7 call starts: the @ai-sdk/otel policy (./ai-sdk-telemetry.ts), as for its channel's calls. */
  onChannelCopyCall(): void;
  /** The innermost `ai:telemetry` message running here, if any. */
  channelMessage(): unknown;
}

/** What differs between the copies of `ai` that are wrapped. */
export interface AiCopy extends IdResolution {
  /** `ai` 7: it publishes on the channel (only its generateObject / streamObject are wrapped). */
  readonly publishesTelemetry: boolean;
}

export type CallKind = 'generateText' | 'streamText' | 'generateObject' | 'streamObject' | 'embed' | 'embedMany';

const KINDS: Record<CallKind, { streamed: boolean; toolLoop: boolean; embedding: boolean }> = {
  generateText: { streamed: false, toolLoop: true, embedding: false },
  streamText: { streamed: true, toolLoop: true, embedding: false },
  generateObject: { streamed: false, toolLoop: false, embedding: false },
  streamObject: { streamed: true, toolLoop: false, embedding: false },
  embed: { streamed: false, toolLoop: false, embedding: true },
  embedMany: { streamed: false, toolLoop: false, embedding: true },
};

export interface BegunCall {
  /** The context the AI SDK call runs in: its invoke_agent span's, else the caller's. */
  readonly context: Context;
  /** The options replaced for the call (`model`, `tools`, `prepareStep`), the others stay the app's. */
  readonly replaced: Record<string, unknown>;
  /** Ends the call's span when `result` is done; returns what the app gets (a native promise for a promise). */
  settle<R>(result: R): R;
  fail(error: unknown): void;
}

/**
 * Runs the AI SDK call `run` in the call's context: a synchronous throw fails the call and reaches the app
 * unchanged; what it returns is settled (see BegunCall.settle) and given to the app.
 */
export function runBegunCall(call: BegunCall, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = contextApi.with(call.context, run);
  } catch (error) {
    call.fail(error);
    throw error;
  }
  return safely('recording an AI SDK call', () => call.settle(result), result);
}

/** Begins recording a call with `options`; undefined when it runs unrecorded. */
export function beginCall(kind: CallKind, options: unknown, env: WrappingEnv, copy: AiCopy): BegunCall | undefined {
  const o = asObject(options);
  if (!o) return undefined;
  const { streamed, toolLoop, embedding } = KINDS[kind];
  if (copy.publishesTelemetry) {
    // `telemetry: { isEnabled: false }` turns `ai` 7's channel off for a call: the same for these.
    if (telemetrySettings(o)?.isEnabled === false) return undefined;
    env.onChannelCopyCall();
  }
  const parent = contextApi.active();
  const model = typeof o.model === 'string' ? modelOfId(o.model, embedding ? 'embedding' : 'language', copy) : asObject(o.model);
  let stage: OpenStage | undefined;
  if (toolLoop && wantsAgentSpan(env.agentSpans(), o.tools)) {
    const fromId = typeof o.model === 'string' && !model;
    stage = openAgentStage(env.instrumentation, parent, {
      functionId: telemetrySettings(o)?.functionId,
      provider: fromId ? idProvider() : model?.provider,
      modelId: fromId ? o.model : model?.modelId,
    });
  }
  const context = stage?.context ?? parent;
  const replaced: Record<string, unknown> = {};
  try {
    const since = env.channelMessage();
    const scope: ModelScope = {
      instrumentation: env.instrumentation,
      context,
      streamed,
      recordedElsewhere: () => copy.publishesTelemetry && isModelCallMessage(env.channelMessage(), since),
    };
    if (model) replaced.model = observedModel(model as Model, scope);
    if (toolLoop) {
      const tools = recordingTools(o.tools, env.instrumentation, context);
      if (tools) replaced.tools = tools;
      for (const key of ['prepareStep', 'experimental_prepareStep']) {
        if (typeof o[key] === 'function') replaced[key] = observedPrepareStep(o[key] as PrepareStep, scope, copy);
      }
    }
  } catch (error) {
    // The call then runs unrecorded: its agent span must not stay open.
    stage?.resolve(undefined);
    throw error;
  }
  return {
    context,
    replaced,
    settle<R>(result: R): R {
      if (!stage) return result;
      const done = (value: unknown) => (streamed ? whenStreamDone(value, stage!) : stage!.resolve(undefined));
      if (!isThenable(result)) {
        done(result);
        return result;
      }
      return tapSettlement(Promise.resolve(result), done, stage.reject) as R;
    },
    fail: (error) => stage?.reject(error),
  };
}

/** The call's telemetry settings (`telemetry` in `ai` 7, `experimental_telemetry` before). */
function telemetrySettings(o: Record<string, unknown>): Record<string, unknown> | undefined {
  return asObject(o.telemetry) ?? asObject(o.experimental_telemetry);
}

/** A `languageModelCall` message of the channel that started inside the call (not the one the call runs in). */
function isModelCallMessage(message: unknown, outside: unknown): boolean {
  return message !== outside && asObject(message)?.type === 'languageModelCall';
}

type PrepareStep = (step: unknown, ...rest: unknown[]) => unknown;

/** The app's prepareStep sees its own model; a model it returns for the step is observed too. */
function observedPrepareStep(prepareStep: PrepareStep, scope: ModelScope, copy: AiCopy): PrepareStep {
  return (step, ...rest) => {
    const s = asObject(step);
    const appModel = appModelOf(s?.model);
    const returned = prepareStep(appModel !== s?.model ? { ...s, model: appModel } : step, ...rest);
    const observe = (settings: unknown) => {
      const r = asObject(settings);
      if (!r || r.model === undefined || r.model === null) return settings;
      const model = typeof r.model === 'string' ? modelOfId(r.model, 'language', copy) : asObject(r.model);
      return model ? { ...r, model: observedModel(model as Model, scope) } : settings;
    };
    return isThenable(returned) ? Promise.resolve(returned).then(observe) : observe(returned);
  };
}

/**
 * Ends the agent span when streamText's full result is done: its `_totalUsage` (a promise the AI SDK
 * settles once, after the last step or with the stream's error; read without the `totalUsage` getter,
 * which would start consuming the stream), or when the app stopped reading it before (the AI SDK then
 * never settles it).
 */
function whenStreamDone(result: unknown, stage: OpenStage): void {
  const done = asObject(asObject(result)?._totalUsage)?.promise;
  if (!isThenable(done)) {
    diag.debug('opentelemetry-instrumentation-genai: an AI SDK stream result without _totalUsage; its invoke_agent span ends now');
    stage.resolve(undefined);
    return;
  }
  done.then(() => stage.resolve(undefined), stage.reject);
  watchStreamResult(result, () => stage.resolve(undefined));
}
