import type { InvocationRequest, StreamAccumulator } from '../../core';
import { asNumber, asString, asStrings, type Json } from '../../core';
import { tokenUsage } from './common';
import { openaiResponseAttributes } from './openai-attributes';
import type { ResultTranslator } from '../stainless/result-translator';
import type { Endpoint } from './endpoint';

/** The translation for one patched SDK method: its request into the core model, and its results. */
export interface OpenAIOperation {
  request(body: Record<string, unknown>, endpoint: Endpoint): InvocationRequest;
  results(body: Record<string, unknown>, captureContent: boolean): ResultTranslator;
}

const SERVICE_TIER = 'openai.response.service_tier';
const FINGERPRINT = 'openai.response.system_fingerprint';
export const OPENAI_RESPONSE_METRIC_KEYS = [SERVICE_TIER, FINGERPRINT];

/** Sampling parameters that Chat Completions and legacy Completions name the same way. */
export function samplingParams(body: Json): InvocationRequest['params'] {
  return {
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    stopSequences: asStrings(body.stop),
    frequencyPenalty: asNumber(body.frequency_penalty),
    presencePenalty: asNumber(body.presence_penalty),
    seed: asNumber(body.seed),
    choiceCount: asNumber(body.n),
    stream: body.stream === true,
  };
}

/** The chunk fields outside `choices` that Chat Completions and Completions streams share. */
export function readChunkEnvelope(acc: StreamAccumulator, chunk: Json): void {
  acc.responseId ??= asString(chunk.id);
  acc.responseModel ??= asString(chunk.model);
  // Every chunk repeats these; read them once, from the first chunk that has them.
  if (!acc.attributes[SERVICE_TIER] && !acc.attributes[FINGERPRINT]) Object.assign(acc.attributes, openaiResponseAttributes(chunk));
  if (chunk.usage) acc.usage = tokenUsage(chunk.usage);
}
