/*
 * A LangChain model run whose SDK this package does not instrument, in the core model: the request from
 * `handleChatModelStart` / `handleLLMStart` (the model's serialized id, the `ls_*` tracing metadata, the
 * invocation params, the messages or prompts), the response from `handleLLMEnd`'s LLMResult (usage from
 * the message's `usage_metadata` or `llmOutput.tokenUsage`, finish reasons, the generated messages).
 */
import type { InputMessage, InvocationRequest, InvocationResponse, MessagePart, OutputMessage, TokenUsage } from '../../core';
import type { GenAIOperationName } from '../../core/semconv';

type Dict = Record<string, any>;

/** `ls_provider` values → `gen_ai.provider.name` where the conventions name the provider differently. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  google_genai: 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  amazon_bedrock: 'aws.bedrock',
  mistralai: 'mistral_ai',
  azure: 'azure.ai.openai',
  xai: 'x_ai',
};

const dict = (value: unknown): Dict | undefined => (value !== null && typeof value === 'object' ? (value as Dict) : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The request of a model run, from its start callback. */
export function modelRequest(
  operation: GenAIOperationName,
  serialized: unknown,
  metadata: unknown,
  extraParams: unknown,
  content: () => { inputMessages: InputMessage[] },
): InvocationRequest {
  const ls = dict(metadata) ?? {};
  const params = dict(dict(extraParams)?.invocation_params) ?? {};
  const id = dict(serialized)?.id;
  const className = Array.isArray(id) ? str(id[id.length - 1]) : undefined;
  const lsProvider = str(ls.ls_provider)?.toLowerCase();
  const stop = ls.ls_stop ?? params.stop;
  return {
    operation,
    provider: (lsProvider && PROVIDER_NAMES[lsProvider]) ?? lsProvider ?? className ?? 'langchain',
    requestModel: str(ls.ls_model_name) ?? str(params.model) ?? str(params.model_name),
    params: {
      temperature: num(ls.ls_temperature) ?? num(params.temperature),
      maxTokens: num(ls.ls_max_tokens) ?? num(params.max_tokens) ?? num(params.maxTokens),
      topP: num(params.top_p) ?? num(params.topP),
      stopSequences: Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string') : undefined,
    },
    content,
  };
}

/** `handleChatModelStart`'s first message list (one run per list) in the conventions' messages. */
export function chatInput(messages: unknown): { inputMessages: InputMessage[] } {
  const list = Array.isArray(messages) ? messages : [];
  return { inputMessages: list.map(inputMessage) };
}

/** `handleLLMStart`'s prompt for one run. */
export function promptInput(prompt: unknown): { inputMessages: InputMessage[] } {
  return { inputMessages: typeof prompt === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: prompt }] }] : [] };
}

/** `handleLLMEnd`'s LLMResult (the generations of one run). */
export function modelResponse(output: unknown): InvocationResponse {
  const result = dict(output) ?? {};
  const generations: Dict[] = (Array.isArray(result.generations?.[0]) ? result.generations[0] : []).map((g: unknown) => dict(g) ?? {});
  const messages = generations.map((g) => dict(g.message));
  const first = messages[0];
  const metadata = dict(first?.response_metadata) ?? {};
  const finishReasons = generations.map((g, i) => finishReason(g, messages[i]));
  return {
    responseId: str(metadata.id) ?? (str(first?.id)?.startsWith('run-') ? undefined : str(first?.id)),
    responseModel: str(metadata.model_name) ?? str(metadata.model),
    finishReasons: finishReasons.every((r) => r === undefined) ? undefined : finishReasons.map((r) => r ?? 'stop'),
    usage: usageOf(first, dict(result.llmOutput)),
    outputMessages: () =>
      generations.map((g, i): OutputMessage => ({
        role: 'assistant',
        parts: messages[i] ? messageParts(messages[i]!) : textParts(g.text),
        finish_reason: finishReasons[i] ?? 'stop',
      })),
  };
}

function finishReason(generation: Dict, message: Dict | undefined): string | undefined {
  const info = dict(generation.generationInfo) ?? {};
  const metadata = dict(message?.response_metadata) ?? {};
  const reason = str(info.finish_reason) ?? str(metadata.finish_reason) ?? str(metadata.stop_reason);
  if (reason) return reason;
  return Array.isArray(message?.tool_calls) && message!.tool_calls.length > 0 ? 'tool_call' : undefined;
}

function usageOf(message: Dict | undefined, llmOutput: Dict | undefined): TokenUsage | undefined {
  const usage = dict(message?.usage_metadata);
  if (usage) {
    return {
      inputTokens: num(usage.input_tokens),
      outputTokens: num(usage.output_tokens),
      cacheReadInputTokens: num(dict(usage.input_token_details)?.cache_read),
      cacheCreationInputTokens: num(dict(usage.input_token_details)?.cache_creation),
      reasoningOutputTokens: num(dict(usage.output_token_details)?.reasoning),
    };
  }
  const tokenUsage = dict(llmOutput?.tokenUsage) ?? dict(llmOutput?.estimatedTokenUsage);
  if (!tokenUsage) return undefined;
  return { inputTokens: num(tokenUsage.promptTokens), outputTokens: num(tokenUsage.completionTokens) };
}

const ROLES: Readonly<Record<string, string>> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'tool', developer: 'system' };

function messageType(message: Dict): string | undefined {
  try {
    return str(message.type) ?? (typeof message._getType === 'function' ? str(message._getType()) : undefined);
  } catch {
    return undefined;
  }
}

function inputMessage(value: unknown): InputMessage {
  const message = dict(value) ?? {};
  const type = messageType(message);
  const role = (type && ROLES[type]) ?? str(message.role) ?? 'user';
  if (role === 'tool') {
    return { role, parts: [{ type: 'tool_call_response', id: str(message.tool_call_id), response: textOf(message.content) }] };
  }
  const out: InputMessage = { role, parts: messageParts(message) };
  if (role !== 'assistant' && str(message.name)) out.name = message.name;
  return out;
}

function messageParts(message: Dict): MessagePart[] {
  const parts = contentParts(message.content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const c = dict(call);
      if (c && str(c.name)) parts.push({ type: 'tool_call', id: str(c.id), name: c.name, arguments: c.args });
    }
  }
  return parts;
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return textParts(content);
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const block of content) {
    const b = dict(block);
    if (typeof block === 'string') parts.push({ type: 'text', content: block });
    else if (b && b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', content: b.text });
    else if (b && (b.type === 'reasoning' || b.type === 'thinking')) {
      const text = str(b.reasoning) ?? str(b.thinking);
      if (text) parts.push({ type: 'reasoning', content: text });
    }
  }
  return parts;
}

function textParts(text: unknown): MessagePart[] {
  return typeof text === 'string' && text !== '' ? [{ type: 'text', content: text }] : [];
}

function textOf(content: unknown): unknown {
  if (typeof content === 'string') return content;
  return contentParts(content)
    .map((p) => (p.type === 'text' ? (p as { content: string }).content : ''))
    .join('');
}
