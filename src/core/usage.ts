/*
 * The conventions count cached input inside `gen_ai.usage.input_tokens` (cache reads and writes are also
 * reported on their own). APIs that report cache reads and writes NEXT TO their input count (Anthropic,
 * Bedrock) add them back with this; those whose input count already includes them (OpenAI's
 * `prompt_tokens`, Gemini's `promptTokenCount`) do not.
 */
export function inputIncludingCache(uncachedInput: number, cacheRead: number | undefined, cacheCreation: number | undefined): number {
  return uncachedInput + (cacheRead ?? 0) + (cacheCreation ?? 0);
}
