/*
 * Amazon Titan: text generation (`inputText` + `textGenerationConfig`, a text completion) and the
 * embeddings models (`inputText`, `dimensions`, `embeddingTypes`).
 */
import type { TokenUsage } from '../../../core';
import { finishReasonMapper } from '../../../core/finish-reason';
import { asArray, asNumber, asObject, asString, asStrings } from '../../../core/readers';
import { type ModelFamily, UPPER_CASE_REASONS, promptContent, textOutputs, textStream } from './family';

/** Titan completion reasons → the conventions' finish reasons (unknown values pass, lower-cased). */
export const titanFinishReason = finishReasonMapper(
  { FINISH: 'stop', FINISHED: 'stop', STOP_CRITERIA_MET: 'stop', LENGTH: 'length', MAX_TOKENS: 'length', CONTENT_FILTERED: 'content_filter' },
  UPPER_CASE_REASONS,
);

export const titanTextFamily: ModelFamily = {
  name: 'titan-text',
  operation: () => 'text_completion',
  params(body) {
    const c = asObject(body.textGenerationConfig);
    return {
      maxTokens: asNumber(c?.maxTokenCount),
      temperature: asNumber(c?.temperature),
      topP: asNumber(c?.topP),
      stopSequences: asStrings(c?.stopSequences),
    };
  },
  content: (body) => promptContent(body.inputText),
  response(body, captureContent) {
    const results = asArray(body.results).map((r) => asObject(r) ?? {});
    const finishReasons = results.map((r) => titanFinishReason(r.completionReason) ?? 'error');
    const outputTokens = results.reduce<number | undefined>((sum, r) => {
      const n = asNumber(r.tokenCount);
      return n === undefined ? sum : (sum ?? 0) + n;
    }, undefined);
    const usage: TokenUsage = { inputTokens: asNumber(body.inputTextTokenCount), outputTokens };
    return {
      finishReasons,
      usage: usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage,
      outputMessages: captureContent ? () => textOutputs(results.map((r) => r.outputText), finishReasons) : undefined,
    };
  },
  stream(_body, captureContent) {
    return textStream(captureContent, (chunk, { acc, finish }) => {
      const index = asNumber(chunk.index) ?? 0;
      acc.appendText(index, asString(chunk.outputText));
      const input = asNumber(chunk.inputTextTokenCount);
      const output = asNumber(chunk.totalOutputTextTokenCount);
      if (input !== undefined || output !== undefined) {
        acc.usage = { ...acc.usage, ...(input !== undefined && { inputTokens: input }), ...(output !== undefined && { outputTokens: output }) };
      }
      finish(index, titanFinishReason(chunk.completionReason));
    });
  },
};

export const titanEmbeddingsFamily: ModelFamily = {
  name: 'titan-embed',
  operation: () => 'embeddings',
  params: (body) => ({ encodingFormats: asStrings(body.embeddingTypes) }),
  response(body, _captureContent, request) {
    const byType = asObject(body.embeddingsByType);
    const vector = Array.isArray(body.embedding) ? body.embedding : (asArray(byType?.float).length > 0 ? byType?.float : byType?.binary);
    const input = asNumber(body.inputTextTokenCount);
    return {
      usage: input === undefined ? undefined : { inputTokens: input },
      embeddingsDimensionCount: asNumber(request.dimensions) ?? (Array.isArray(vector) ? vector.length : undefined),
    };
  },
};
