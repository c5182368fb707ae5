/*
 * The agent classes of `ai` 5 (`Experimental_Agent`) and 6 (`ToolLoopAgent`, also exported as
 * `Experimental_Agent`): their `generate` / `stream` call the bundle's own generateText / streamText, not
 * the wrapped exports. (`ai` 7's ToolLoopAgent is recorded from the channel: only its `stream` is wrapped,
 * to run in a link, ./stream-links.ts.) Their prototype methods are wrapped in place (the class is the same object behind
 * the CommonJS getters and the ES module namespace, so both module systems and every instance see it):
 * each call runs the original method on a view of the agent (an object whose prototype is the agent)
 * that hands the call's settings through ./call-scope.ts:
 *   - `ai` 6 builds the call from `prepareCall(options)` (the agent's settings, the call's options and the
 *     app's own `settings.prepareCall`): the view's prepareCall runs the agent's and begins the call on
 *     what it returns, which is where `ai` 7 publishes the agent's generateText / streamText;
 *   - `ai` 5 calls generateText / streamText with `{ ...this.settings, ...options }`: the view's
 *     `settings` carry the replaced model and tools.
 */
import { asObject, isThenable, safely, tapSettlement } from '../../core';
import { type AiCopy, type BegunCall, type WrappingEnv, beginCall, runBegunCall } from './call-scope';
import { linkedStreamCall } from './stream-links';

type Fn = (...args: unknown[]) => unknown;
type Agent = Record<string, unknown>;

const AGENT_CLASSES = ['ToolLoopAgent', 'Experimental_Agent'] as const;
const METHODS = { generate: 'generateText', stream: 'streamText' } as const;
const ORIGINAL = Symbol('opentelemetry-instrumentation-genai vercel-ai original agent method');

function agentPrototypes(exports: Record<string, unknown>): Set<Record<string | symbol, unknown>> {
  const prototypes = new Set<Record<string | symbol, unknown>>();
  for (const name of AGENT_CLASSES) {
    const agentClass = exports[name];
    const prototype = typeof agentClass === 'function' ? asObject((agentClass as { prototype?: unknown }).prototype) : undefined;
    if (prototype) prototypes.add(prototype);
  }
  return prototypes;
}

export function wrapAgentClasses(exports: Record<string, unknown>, env: WrappingEnv, copy: AiCopy): void {
  for (const prototype of agentPrototypes(exports)) {
    for (const [method, kind] of Object.entries(METHODS)) {
      const current = prototype[method];
      if (typeof current !== 'function') continue;
      const original = ((current as unknown as Record<symbol, unknown>)[ORIGINAL] as Fn | undefined) ?? (current as Fn);
      // `ai` 7 publishes the agent's calls: its stream only runs in a link (./stream-links.ts).
      if (copy.publishesTelemetry && kind !== 'streamText') continue;
      const wrapper = copy.publishesTelemetry ? linkedAgentStream(original, env) : wrapAgentMethod(original, kind, env, copy);
      safely('wrapping an AI SDK agent class', () => void (prototype[method] = withOriginal(original, wrapper)), undefined);
    }
  }
}

export function unwrapAgentClasses(exports: Record<string, unknown>): void {
  for (const prototype of agentPrototypes(exports)) {
    for (const method of Object.keys(METHODS)) {
      const original = (prototype[method] as Record<symbol, unknown> | undefined)?.[ORIGINAL];
      if (original) safely('unwrapping an AI SDK agent class', () => void (prototype[method] = original), undefined);
    }
  }
}

function withOriginal(original: Fn, wrapper: Fn): Fn {
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  return wrapper;
}

function wrapAgentMethod(original: Fn, kind: 'generateText' | 'streamText', env: WrappingEnv, copy: AiCopy): Fn {
  return function (this: Agent, ...args: unknown[]) {
    if (!env.recording() || !this || typeof this !== 'object') return original.apply(this, args);
    return typeof this.prepareCall === 'function' ? viaPrepareCall(this, original, args, kind, env, copy) : viaSettings(this, original, args, kind, env, copy);
  };
}

function linkedAgentStream(original: Fn, env: WrappingEnv): Fn {
  return function (this: Agent, ...args: unknown[]) {
    return env.recording() ? linkedStreamCall(() => original.apply(this, args)) : original.apply(this, args);
  };
}

/** `ai` 6: the call begins on what the agent's prepareCall returns. */
function viaPrepareCall(agent: Agent, original: Fn, args: unknown[], kind: 'generateText' | 'streamText', env: WrappingEnv, copy: AiCopy): unknown {
  let call: BegunCall | undefined;
  const prepareCall = agent.prepareCall as Fn;
  const view = Object.create(agent, {
    prepareCall: {
      configurable: true,
      writable: true,
      value: async (options: unknown) => {
        const prepared = await prepareCall.call(agent, options);
        call = safely('recording an AI SDK agent call', () => beginCall(kind, prepared, env, copy), undefined);
        return call ? { ...(prepared as object), ...call.replaced } : prepared;
      },
    },
  });
  const result = original.apply(view, args);
  if (!isThenable(result)) return safely('recording an AI SDK agent call', () => call?.settle(result) ?? result, result);
  // The method's promise: the call (begun once prepareCall returned) ends with what it resolves to.
  return tapSettlement(
    Promise.resolve(result),
    (value) => call?.settle(value),
    (error) => call?.fail(error),
  );
}

/** `ai` 5: generate / stream call generateText / streamText with `{ ...this.settings, ...options }`. */
function viaSettings(agent: Agent, original: Fn, args: unknown[], kind: 'generateText' | 'streamText', env: WrappingEnv, copy: AiCopy): unknown {
  const settings = asObject(agent.settings);
  const options = asObject(args[0]);
  const call = settings && safely('recording an AI SDK agent call', () => beginCall(kind, { ...settings, ...options }, env, copy), undefined);
  if (!call) return original.apply(agent, args);
  const replace = (o: Record<string, unknown>, only?: Record<string, unknown>) => {
    const out = { ...o };
    for (const [key, value] of Object.entries(call.replaced)) if (!only || key in only) out[key] = value;
    return out;
  };
  const view = Object.create(agent, { settings: { configurable: true, writable: true, value: replace(settings) } });
  const callArgs = options ? [replace(options, options), ...args.slice(1)] : args;
  return runBegunCall(call, () => original.apply(view, callArgs));
}
