/*
 * Meta Llama: a prompt (with the model's chat template already applied by the app) and a generation,
 * i.e. a text completion. Token counts come in the body (`prompt_token_count`, `generation_token_count`).
 */
import type { Json } from '../../../core';
import { asNumber, asString } from '../../../core/readers';
import { type ModelFamily, promptContent, textOutputs, textStream } from './family';

const llamaFinishReason = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function llamaUsage(body: Json) {
  const input = asNumber(body.prompt_token_count);
  const output = asNumber(body.generation_token_count);
  return input === undefined && output === undefined ? undefined : { inputTokens: input, outputTokens: output };
}

export const llamaFamily: ModelFamily = {
  name: 'llama',
  operation: () => 'text_completion',
  params: (body) => ({
    maxTokens: asNumber(body.max_gen_len),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
  }),
  content: (body) => promptContent(body.prompt),
  response(body, captureContent) {
    const finishReason = llamaFinishReason(body.stop_reason) ?? 'error';
    return {
      finishReasons: [finishReason],
      usage: llamaUsage(body),
      outputMessages: captureContent ? () => textOutputs([body.generation], [finishReason]) : undefined,
    };
  },
  stream(_body, captureContent) {
    let input: number | undefined;
    let output: number | undefined;
    return textStream(captureContent, (chunk, { acc, finish }) => {
      acc.appendText(0, asString(chunk.generation));
      // The first chunk has the prompt count; generation counts are cumulative.
      input = asNumber(chunk.prompt_token_count) ?? input;
      output = asNumber(chunk.generation_token_count) ?? output;
      if (input !== undefined || output !== undefined) acc.usage = { inputTokens: input, outputTokens: output };
      finish(0, llamaFinishReason(chunk.stop_reason));
    });
  },
};
