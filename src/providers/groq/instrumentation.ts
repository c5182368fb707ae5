/*
 * Auto-instrumentation for `groq-sdk` (Stainless-generated, like openai: 0.x has openai 4's file layout,
 * 1.x openai 5's). Patches the resource classes' prototype `create` methods, reached through the static
 * aliases on the client class (`Groq.Chat.Completions`, `Groq.Embeddings`), so every client instance and
 * subclass is covered, in the CommonJS build and in the ES module build alike.
 */
import type { GenAIInstrumentationConfig } from '../../core';
import type { InstrumentedSdk } from '../../core';
import { type CreateTarget, StainlessInstrumentation, clientClass, createTarget } from '../stainless/stainless-instrumentation';
import { chatCall } from './chat';
import { embeddingsCall } from '../openai-shaped/embeddings';
import { endpointOf } from './endpoint';
import { GROQ_REQUEST_SIGNATURE } from './request-signature';

export const GROQ_SUPPORTED_VERSIONS = ['>=0.3.0 <2'];

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

export class GroqInstrumentation extends StainlessInstrumentation<GroqInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'groq',
    module: 'groq-sdk',
    supportedVersions: GROQ_SUPPORTED_VERSIONS,
    requestSignature: GROQ_REQUEST_SIGNATURE,
  };

  protected override createTargets(moduleExports: unknown): CreateTarget[] {
    const Groq = clientClass(moduleExports, 'Groq');
    // Embeddings came in 0.4.0: an older copy records chat only.
    return [
      createTarget(Groq?.Chat?.Completions, 'chat.completions', chatCall, endpointOf),
      createTarget(Groq?.Embeddings, 'embeddings', embeddingsCall, endpointOf),
    ];
  }
}
