/*
 * The provider-neutral invocation model. Providers translate their SDK's request, response and stream
 * shapes into these types; the recorder turns them into spans, metrics and events.
 *
 * Content (messages, instructions, tool definitions) is supplied lazily as thunks so that nothing is
 * converted or serialized when content capture is off.
 */
import type { Attributes } from '@opentelemetry/api';
import type { GenAIOperationName } from './semconv';

/** Message parts in the shapes of the conventions' JSON schemas. */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'server_tool_call'; id?: string; name: string; server_tool_call: { type: string; [k: string]: unknown } }
  | {
      type: 'server_tool_call_response';
      id?: string;
      server_tool_call_response: { type: string; [k: string]: unknown };
    }
  | { type: 'reasoning'; content: string }
  | { type: 'blob'; modality: string; mime_type?: string; content: string }
  | { type: 'uri'; modality: string; mime_type?: string; uri: string }
  | { type: 'file'; modality: string; mime_type?: string; file_id: string }
  | { type: string; [k: string]: unknown };

export interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}

export interface OutputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  finish_reason: string;
}

export interface ToolDefinition {
  type: string;
  name: string;
  description?: string;
  parameters?: unknown;
  [k: string]: unknown;
}

/** Request content, built only when content capture is on. */
export interface RequestContent {
  systemInstructions?: MessagePart[];
  inputMessages?: InputMessage[];
  toolDefinitions?: ToolDefinition[];
}

export interface RequestParameters {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  choiceCount?: number;
  stream?: boolean;
  /** `text`, `json`, `image` or `speech`: the requested output modality. */
  outputType?: string;
  /** The reasoning effort the request asks for, as sent (e.g. `low`, `high`): OpenAI's `reasoning_effort`, Anthropic's `effort`, Gemini's `thinkingLevel`. */
  reasoningLevel?: string;
  encodingFormats?: string[];
}

export interface InvocationRequest {
  operation: GenAIOperationName;
  provider: string;
  requestModel?: string;
  serverAddress?: string;
  serverPort?: number;
  params: RequestParameters;
  conversationId?: string;
  /**
   * Provider-specific request attributes (e.g. `openai.api.type`), set at span start. A parameter that
   * more than one provider has goes in `params` instead, so every translation of it records it.
   */
  attributes?: Attributes;
  /** Lazily built content; called only when content is captured. */
  content?: () => RequestContent;
}

/**
 * Token usage normalised per the conventions: input includes cached tokens, output includes reasoning
 * tokens; cache read/creation and reasoning are subsets reported on their own.
 */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
}

export interface InvocationResponse {
  responseId?: string;
  responseModel?: string;
  /** One entry per choice, in choice order. */
  finishReasons?: string[];
  usage?: TokenUsage;
  embeddingsDimensionCount?: number;
  /** Provider-specific response attributes (e.g. `openai.response.service_tier`). */
  attributes?: Attributes;
  /** Attributes from `attributes` that are also added to the duration and token metrics. */
  metricAttributeKeys?: string[];
  /** Lazily built output messages; called only when content is captured. */
  outputMessages?: () => OutputMessage[];
  /**
   * A failure the provider reported inside a response that did not throw (e.g. a Responses API object
   * with `status: "failed"`, or a `response.failed` stream event). The call is recorded as failed:
   * span status ERROR and `error.type` = `type` (the provider's error code).
   */
  error?: { type: string; message?: string };
  /**
   * Request content only known once the call has run, merged into the content captured at its start
   * (called only when content is captured). For SDK helpers that make several model requests for one
   * call, e.g. @google/genai's automatic function calling.
   */
  requestContentUpdate?: () => RequestContentUpdate;
}

export interface RequestContentUpdate {
  /**
   * Messages the SDK itself added to the conversation during the call (e.g. the function calls it ran
   * and their results), appended after the request's input messages: the model saw them on its later
   * requests.
   */
  appendInputMessages?: InputMessage[];
  /** Tool definitions the SDK resolved while running (e.g. declarations of callable tool objects); replace the captured ones. */
  toolDefinitions?: ToolDefinition[];
}
