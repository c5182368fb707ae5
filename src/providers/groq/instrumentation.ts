/*
 * Auto-instrumentation for `groq-sdk` (Stainless-generated, like openai: 0.x has openai 4's file layout,
 * 1.x openai 5's). Patches the resource classes' prototype `create` methods, reached through the static
 * aliases on the client class (`Groq.Chat.Completions`, `Groq.Embeddings`), so every client instance and
 * subclass is covered, in the CommonJS build and in the ES module build alike.
 */
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig, Json } from '../../core';
import { GenAIInstrumentationBase, moduleExportsOf } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { type CreateMethod, wrapCreate } from '../stainless/create-wrapper';
import type { StainlessCallTranslation } from '../stainless/result-translation';
import { chatCall } from './chat';
import { embeddingsCall } from '../openai-shaped/embeddings';
import { type Endpoint, endpointOf } from './endpoint';
import { GROQ_REQUEST_SIGNATURE } from './request-signature';

export const GROQ_SUPPORTED_VERSIONS = ['>=0.3.0 <2'];

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

/** The translation of one patched method's calls. */
type Translate = (body: Json, endpoint: Endpoint) => StainlessCallTranslation;

interface Patchable {
  create: CreateMethod;
}

/** The resource classes to patch, found through the client class's static aliases. */
function patchTargets(moduleExports: unknown): Array<[Patchable | undefined, Translate, string]> {
  const sdk = moduleExportsOf(moduleExports);
  const Groq = (sdk?.Groq ?? sdk) as Record<string, any> | undefined;
  const proto = (cls: unknown) => (typeof cls === 'function' ? (cls.prototype as Patchable) : undefined);
  return [
    [proto(Groq?.Chat?.Completions), chatCall, 'chat.completions.create'],
    [proto(Groq?.Embeddings), embeddingsCall, 'embeddings.create'],
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
    for (const [target, translate, name] of patchTargets(moduleExports)) {
      if (!target || typeof target.create !== 'function') {
        this._diag.debug(`groq-sdk: ${name} not found in this version; not instrumented`);
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
