/*
 * A model family we do not know (a new provider on Bedrock, a custom or imported model, an opaque
 * application inference profile): the span gets the parameters it can find under their common names,
 * usage from Bedrock's own token counts (response headers, stream invocation metrics), and no content
 * or finish reasons, since we cannot tell what the body means.
 */
import type { Json } from '../../../core';
import { asObject, asStrings } from '../../../core/readers';
import { firstNumber } from '../json';
import type { ModelFamily } from './family';

/** Where model families put their sampling parameters: top level, or one of these objects. */
const CONFIG_KEYS = ['inferenceConfig', 'textGenerationConfig', 'parameters', 'generation_config', 'generationConfig'];

function lookup(body: Json, read: (obj: Json) => unknown): unknown {
  const top = read(body);
  if (top !== undefined) return top;
  for (const key of CONFIG_KEYS) {
    const nested = asObject(body[key]);
    const value = nested && read(nested);
    if (value !== undefined) return value;
  }
  return undefined;
}

export function genericOperation(modelId: string, body: Json) {
  if (/embed/i.test(modelId)) return 'embeddings' as const;
  if (Array.isArray(body.messages)) return 'chat' as const;
  if (typeof body.prompt === 'string' || typeof body.inputText === 'string') return 'text_completion' as const;
  return 'chat' as const;
}

export function genericFamily(modelId: string): ModelFamily {
  return {
    name: 'unknown',
    operation: (body) => genericOperation(modelId, body),
    params(body) {
      const n = (...keys: string[]) => lookup(body, (o) => firstNumber(o, ...keys)) as number | undefined;
      return {
        maxTokens: n('max_tokens', 'maxTokens', 'max_new_tokens', 'max_gen_len', 'maxTokenCount', 'max_output_tokens', 'maxOutputTokens'),
        temperature: n('temperature'),
        topP: n('top_p', 'topP'),
        topK: n('top_k', 'topK'),
        stopSequences: lookup(body, (o) => asStrings(o.stop_sequences ?? o.stopSequences ?? o.stop)) as string[] | undefined,
      };
    },
    response: () => ({}),
    stream: () => ({ onChunk: () => undefined, toResponse: () => ({}) }),
  };
}
