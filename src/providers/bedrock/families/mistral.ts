/*
 * Mistral's text models on Bedrock: the Mistral 7B / Mixtral / Large (2402) / Small text models take a
 * `prompt` and answer `outputs: [{text, stop_reason}]` (a text completion). Mistral Large 2 (2407) takes
 * a Chat Completions body instead: see ./openai-chat.ts.
 */
import { asArray, asNumber, asObject, asString, asStrings } from '../../../core/readers';
import { type ModelFamily, promptContent, textOutputs, textStream } from './family';

const mistralFinishReason = (v: unknown): string | undefined =>
  typeof v !== 'string' || v === '' ? undefined : v === 'tool_calls' ? 'tool_call' : v;

export const mistralTextFamily: ModelFamily = {
  name: 'mistral-text',
  operation: () => 'text_completion',
  params: (body) => ({
    maxTokens: asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    topK: asNumber(body.top_k),
    stopSequences: asStrings(body.stop),
  }),
  content: (body) => promptContent(body.prompt),
  response(body, captureContent) {
    const outputs = asArray(body.outputs).map((o) => asObject(o) ?? {});
    const finishReasons = outputs.map((o) => mistralFinishReason(o.stop_reason) ?? 'error');
    return {
      finishReasons,
      outputMessages: captureContent ? () => textOutputs(outputs.map((o) => o.text), finishReasons) : undefined,
    };
  },
  stream(_body, captureContent) {
    return textStream(captureContent, (chunk, { acc, finish }) => {
      asArray(chunk.outputs).forEach((raw, index) => {
        const o = asObject(raw) ?? {};
        acc.appendText(index, asString(o.text));
        finish(index, mistralFinishReason(o.stop_reason));
      });
    });
  },
};
