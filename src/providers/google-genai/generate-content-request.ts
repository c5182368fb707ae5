/*
 * models.generateContent / generateContentStream (and the chats built on them): the user's request → the
 * core model, and the facts about it that the response side needs once the call is over.
 */
import type { InvocationRequest } from '../../core';
import { invocationRequest } from '../../core/endpoint';
import { asArray, asNumber, asObject, asString, asStrings, type Json } from '../../core/readers';
import type { Endpoint } from './endpoint';
import { inputMessages, isCallableTool, systemInstructionParts, toolDefinitions } from './messages';

/** `gen_ai.output.type`: the requested output format (JSON mime type or schema, or the response modality). */
export function outputType(config: Json): string | undefined {
  const mime = asString(config.responseMimeType);
  if (mime === 'application/json' || config.responseSchema != null || config.responseJsonSchema != null) return 'json';
  if (mime?.startsWith('text/')) return 'text';
  const modalities = asStrings(config.responseModalities)?.map((m) => m.toUpperCase());
  if (modalities?.includes('IMAGE')) return 'image';
  if (modalities?.includes('AUDIO')) return 'speech';
  if (modalities?.includes('TEXT')) return 'text';
  return undefined;
}

/** `thinkingConfig.thinkingLevel` (`LOW`, `HIGH`, ...), lower-cased: the reasoning level. */
function reasoningLevel(thinkingConfig: unknown): string | undefined {
  const level = asString(asObject(thinkingConfig)?.thinkingLevel);
  return level && level !== 'THINKING_LEVEL_UNSPECIFIED' ? level.toLowerCase() : undefined;
}

export function generateContentRequest(params: Json, endpoint: Endpoint, stream: boolean): InvocationRequest {
  const config = asObject(params.config) ?? {};
  return invocationRequest(
    'generate_content',
    asString(params.model),
    endpoint,
    {
      maxTokens: asNumber(config.maxOutputTokens),
      temperature: asNumber(config.temperature),
      topP: asNumber(config.topP),
      topK: asNumber(config.topK),
      stopSequences: asStrings(config.stopSequences),
      frequencyPenalty: asNumber(config.frequencyPenalty),
      presencePenalty: asNumber(config.presencePenalty),
      seed: asNumber(config.seed),
      choiceCount: asNumber(config.candidateCount),
      stream,
      outputType: outputType(config),
      reasoningLevel: reasoningLevel(config.thinkingConfig),
    },
    undefined,
    () => ({
      systemInstructions: systemInstructionParts(config.systemInstruction),
      inputMessages: inputMessages(params.contents),
      toolDefinitions: toolDefinitions(config.tools),
    }),
  );
}

/** What the instrumentation needs of the user's request after the call (read at its start). */
export interface RequestFacts {
  /** How many contents the user sent (as the SDK normalises them): AFC turns come after them. */
  contentCount: number;
  hasCallableTools: boolean;
}

export function requestFacts(params: Json): RequestFacts {
  return {
    contentCount: inputMessageCount(params.contents),
    hasCallableTools: asArray(asObject(params.config)?.tools).some(isCallableTool),
  };
}

function inputMessageCount(contents: unknown): number {
  if (contents === undefined || contents === null) return 0;
  if (!Array.isArray(contents)) return 1;
  if (contents.length === 0) return 0;
  return Array.isArray(asObject(contents[0])?.parts) ? contents.filter((c) => Array.isArray(asObject(c)?.parts)).length : 1;
}
