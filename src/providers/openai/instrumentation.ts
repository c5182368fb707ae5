/*
 * Auto-instrumentation for the `openai` package (>= 4 < 8). Patches the resource classes' prototype
 * `create` methods, reached through the static aliases on the client class, so every client instance,
 * `withOptions()` copy and subclass (AzureOpenAI, BedrockOpenAI) is covered, and the SDK helpers that
 * route through `create` (chat.completions.parse/stream/runTools, responses.parse/stream) are recorded
 * once per HTTP call.
 */
import type { GenAIInstrumentationConfig } from '../../core';
import type { InstrumentedSdk } from '../../core';
import { type CreateTarget, StainlessInstrumentation, clientClass, createTarget } from '../stainless/stainless-instrumentation';
import { chatCall } from './chat';
import { completionsCall } from './completions';
import { embeddingsCall } from '../openai-shaped/embeddings';
import { endpointOf } from './endpoint';
import { responsesCall } from './responses';
import { OPENAI_REQUEST_SIGNATURE } from './request-signature';

export const OPENAI_SUPPORTED_VERSIONS = ['>=4.0.0 <8'];

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

export class OpenAIInstrumentation extends StainlessInstrumentation<OpenAIInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'openai',
    module: 'openai',
    supportedVersions: OPENAI_SUPPORTED_VERSIONS,
    requestSignature: OPENAI_REQUEST_SIGNATURE,
  };

  protected override createTargets(moduleExports: unknown): CreateTarget[] {
    const OpenAI = clientClass(moduleExports, 'OpenAI');
    return [
      createTarget(OpenAI?.Chat?.Completions, 'chat.completions', chatCall, endpointOf),
      createTarget(OpenAI?.Responses, 'responses', responsesCall, endpointOf),
      createTarget(OpenAI?.Embeddings, 'embeddings', embeddingsCall, endpointOf),
      createTarget(OpenAI?.Completions, 'completions', completionsCall, endpointOf),
    ];
  }
}
