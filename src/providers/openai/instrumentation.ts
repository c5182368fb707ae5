/*
 * Auto-instrumentation for the `openai` package (>= 4 < 8). Patches the resource classes' prototype
 * `create` methods, reached through the static aliases on the client class, so every client instance,
 * `withOptions()` copy and subclass (AzureOpenAI, BedrockOpenAI) is covered, and the SDK helpers that
 * route through `create` (chat.completions.parse/stream/runTools, responses.parse/stream) are recorded
 * once per HTTP call.
 */
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig, Json } from '../../core';
import { GenAIInstrumentationBase, moduleExportsOf } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { type CreateMethod, wrapCreate } from '../stainless/create-wrapper';
import type { StainlessCallTranslation } from '../stainless/result-translation';
import { chatCall } from './chat';
import { completionsCall } from './completions';
import { embeddingsCall } from '../openai-shaped/embeddings';
import { type Endpoint, endpointOf } from './endpoint';
import { responsesCall } from './responses';
import { OPENAI_REQUEST_SIGNATURE } from './request-signature';

export const OPENAI_SUPPORTED_VERSIONS = ['>=4.0.0 <8'];

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

/** The translation of one patched method's calls. */
type Translate = (body: Json, endpoint: Endpoint) => StainlessCallTranslation;

interface Patchable {
  create: CreateMethod;
}

/** The resource classes to patch, found through the client class's static aliases. */
function patchTargets(moduleExports: unknown): Array<[Patchable | undefined, Translate, string]> {
  const sdk = moduleExportsOf(moduleExports);
  const OpenAI = (sdk?.OpenAI ?? sdk) as Record<string, any> | undefined;
  const proto = (cls: unknown) => (typeof cls === 'function' ? (cls.prototype as Patchable) : undefined);
  return [
    [proto(OpenAI?.Chat?.Completions), chatCall, 'chat.completions.create'],
    [proto(OpenAI?.Responses), responsesCall, 'responses.create'],
    [proto(OpenAI?.Embeddings), embeddingsCall, 'embeddings.create'],
    [proto(OpenAI?.Completions), completionsCall, 'completions.create'],
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
    for (const [target, translate, name] of patchTargets(moduleExports)) {
      if (!target || typeof target.create !== 'function') {
        this._diag.debug(`openai: ${name} not found in this version; not instrumented`);
        continue;
      }
      if (isWrapped(target.create)) this._unwrap(target, 'create');
      this._wrap(target, 'create', (original) =>
        wrapCreate(this, original as CreateMethod, { translate: (body, client) => translate(body, endpointOf(client)) }),
      );
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    for (const [target] of patchTargets(moduleExports)) {
      if (target && isWrapped(target.create)) this._unwrap(target, 'create');
    }
  }
}
