/*
 * Auto-instrumentation for `groq-sdk` (Stainless-generated, like openai: 0.x has openai 4's file layout,
 * 1.x openai 5's). Patches the resource classes' prototype `create` methods, reached through the static
 * aliases on the client class (`Groq.Chat.Completions`, `Groq.Embeddings`), so every client instance and
 * subclass is covered, in the CommonJS build and in the ES module build alike.
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig } from '../../core';
import { GenAIInstrumentationBase } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { observeApiPromise } from '../stainless/api-promise';
import { chatOperation } from './chat';
import { embeddingsOperation } from './embeddings';
import { endpointOf } from './endpoint';
import type { GroqOperation } from './operation';
import { GROQ_REQUEST_SIGNATURE } from './request-signature';

export const GROQ_SUPPORTED_VERSIONS = ['>=0.3.0 <2'];

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

type CreateMethod = (this: { _client?: unknown }, body: unknown, ...rest: unknown[]) => unknown;
interface Patchable {
  create: CreateMethod;
}

/** The resource classes to patch, found through the client class's static aliases. */
function patchTargets(moduleExports: unknown): Array<[Patchable | undefined, GroqOperation, string]> {
  const ns = moduleExports as Record<string | symbol, unknown>;
  // An ES module namespace (import-in-the-middle) holds the client class as `default` and `Groq`.
  const unwrapped = ns && ns[Symbol.toStringTag] === 'Module' ? (ns.default as Record<string, unknown>) : ns;
  const Groq = ((unwrapped?.Groq as Record<string, unknown>) ?? unwrapped) as Record<string, any> | undefined;
  const proto = (cls: unknown) => (typeof cls === 'function' ? (cls.prototype as Patchable) : undefined);
  return [
    [proto(Groq?.Chat?.Completions), chatOperation, 'chat.completions.create'],
    [proto(Groq?.Embeddings), embeddingsOperation, 'embeddings.create'],
  ];
}

export class GroqInstrumentation extends GenAIInstrumentationBase<GroqInstrumentationConfig> {
  constructor(config: GroqInstrumentationConfig = {}) {
    super('opentelemetry-instrumentation-genai/groq', PACKAGE_VERSION, config);
  }

  protected override init() {
    return [this.sdkModuleDefinition('groq-sdk', GROQ_SUPPORTED_VERSIONS)];
  }

  protected override requestSignature() {
    return GROQ_REQUEST_SIGNATURE;
  }

  protected override patch(moduleExports: unknown): void {
    for (const [target, operation, name] of patchTargets(moduleExports)) {
      if (!target || typeof target.create !== 'function') {
        this._diag.debug(`groq-sdk: ${name} not found in this version; not instrumented`);
        continue;
      }
      if (isWrapped(target.create)) this._unwrap(target, 'create');
      this._wrap(target, 'create', (original) => this.wrapCreate(original as CreateMethod, operation));
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    for (const [target] of patchTargets(moduleExports)) {
      if (target && isWrapped(target.create)) this._unwrap(target, 'create');
    }
  }

  // The same Stainless `create` wrapper as openai's (../openai/instrumentation.ts), until one is shared.
  private wrapCreate(original: CreateMethod, operation: GroqOperation): CreateMethod {
    const instrumentation = this;
    return function patchedCreate(this: { _client?: unknown }, body: unknown, ...rest: unknown[]) {
      const params = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const request = instrumentation.safeRequest(() => operation.request(params, endpointOf(this._client)));
      const invocation = request && instrumentation.startInvocation(request);
      if (!invocation) return original.call(this, body, ...rest);
      let returned: unknown;
      try {
        returned = context.with(invocation.context, () => original.call(this, body, ...rest));
      } catch (error) {
        // Synchronous validation errors from the SDK reach the caller unchanged.
        invocation.fail(error);
        throw error;
      }
      return observeApiPromise(returned, invocation, operation.results(params, invocation.capturesContent));
    };
  }
}
