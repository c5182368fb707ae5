/*
 * Auto-instrumentation for the `openai` package (>= 4 < 8). Patches the resource classes' prototype
 * `create` methods, reached through the static aliases on the client class, so every client instance,
 * `withOptions()` copy and subclass (AzureOpenAI, BedrockOpenAI) is covered, and the SDK helpers that
 * route through `create` (chat.completions.parse/stream/runTools, responses.parse/stream) are recorded
 * once per HTTP call.
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig } from '../../core';
import { GenAIInstrumentationBase } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { observeApiPromise } from '../stainless/api-promise';
import { chatOperation } from './chat';
import { completionsOperation } from './completions';
import { embeddingsOperation } from './embeddings';
import { endpointOf } from './endpoint';
import type { OpenAIOperation } from './operation';
import { responsesOperation } from './responses';
import { OPENAI_REQUEST_SIGNATURE } from './request-signature';

export const OPENAI_SUPPORTED_VERSIONS = ['>=4.0.0 <8'];

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

type CreateMethod = (this: { _client?: unknown }, body: unknown, ...rest: unknown[]) => unknown;
interface Patchable {
  create: CreateMethod;
}

/** The resource classes to patch, found through the client class's static aliases. */
function patchTargets(moduleExports: unknown): Array<[Patchable | undefined, OpenAIOperation, string]> {
  const ns = moduleExports as Record<string | symbol, unknown>;
  const unwrapped = ns && ns[Symbol.toStringTag] === 'Module' ? (ns.default as Record<string, unknown>) : ns;
  const OpenAI = ((unwrapped?.OpenAI as Record<string, unknown>) ?? unwrapped) as Record<string, any> | undefined;
  const proto = (cls: unknown) => (typeof cls === 'function' ? (cls.prototype as Patchable) : undefined);
  return [
    [proto(OpenAI?.Chat?.Completions), chatOperation, 'chat.completions.create'],
    [proto(OpenAI?.Responses), responsesOperation, 'responses.create'],
    [proto(OpenAI?.Embeddings), embeddingsOperation, 'embeddings.create'],
    [proto(OpenAI?.Completions), completionsOperation, 'completions.create'],
  ];
}

export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super('opentelemetry-instrumentation-genai/openai', PACKAGE_VERSION, config);
  }

  protected override init() {
    return [this.sdkModuleDefinition('openai', OPENAI_SUPPORTED_VERSIONS)];
  }

  protected override requestSignature() {
    return OPENAI_REQUEST_SIGNATURE;
  }

  protected override patch(moduleExports: unknown): void {
    for (const [target, operation, name] of patchTargets(moduleExports)) {
      if (!target || typeof target.create !== 'function') {
        this._diag.debug(`openai: ${name} not found in this version; not instrumented`);
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

  private wrapCreate(original: CreateMethod, operation: OpenAIOperation): CreateMethod {
    const instrumentation = this;
    return function patchedCreate(this: { _client?: unknown }, body: unknown, ...rest: unknown[]) {
      // A body that is not an object still makes a request (that the API refuses): it gets its span too.
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
      // The invocation's own mode: a GenAI context scope may override the instrumentation's, and a
      // sampled-out span needs no span content.
      return observeApiPromise(returned, invocation, operation.results(params, invocation.capturesContent));
    };
  }
}
