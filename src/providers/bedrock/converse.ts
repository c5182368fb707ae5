/* ConverseCommand and ConverseStreamCommand: request, response and stream events. */
import type { CallTranslation } from '../../core/call-translation';
import type { InvocationResponse } from '../../core/model';
import { asNumber, asObject, asString, asStrings, type Json } from '../../core/readers';
import type { ChunkHandler } from '../../core/stream-observer';
import { BlockAccumulator } from './block-accumulator';
import {
  converseFinishReason,
  converseInputMessages,
  converseOutputMessage,
  converseSystemInstructions,
  converseToolDefinitions,
} from './converse-content';
import { bedrockUsage } from './json';
import { commandFailure } from './command-output';
import { type BedrockResultTranslation, bedrockRequest, type Endpoint, guardrailAttributes } from './operation';

/** Converse `usage` (also Nova's `usage` in InvokeModel bodies, with its `...Count` spellings). */
export function converseUsage(u: unknown) {
  const usage = asObject(u);
  if (!usage) return undefined;
  return bedrockUsage({
    input: asNumber(usage.inputTokens),
    output: asNumber(usage.outputTokens),
    cacheRead: asNumber(usage.cacheReadInputTokens) ?? asNumber(usage.cacheReadInputTokenCount),
    cacheWrite: asNumber(usage.cacheWriteInputTokens) ?? asNumber(usage.cacheWriteInputTokenCount),
    total: asNumber(usage.totalTokens),
  });
}

/**
 * Applies one Converse stream event to the accumulator. Nova's streamed InvokeModel bodies use the same
 * event names and shapes (as JSON), so they share this. An event is a union (one member set): its keys
 * are dispatched on, rather than every member looked up on every event.
 */
export function applyConverseEvent(acc: BlockAccumulator, event: Json): void {
  for (const member in event) {
    switch (member) {
      case 'contentBlockDelta': {
        const blockDelta = asObject(event.contentBlockDelta);
        const delta = asObject(blockDelta?.delta);
        if (!blockDelta || !delta) break;
        const index = asNumber(blockDelta.contentBlockIndex) ?? 0;
        acc.appendText(index, delta.text);
        const toolUse = asObject(delta.toolUse);
        if (toolUse) acc.appendToolInput(index, toolUse.input);
        const reasoning = asObject(delta.reasoningContent);
        if (reasoning) acc.appendReasoning(index, reasoning.text);
        break;
      }
      case 'messageStart': {
        const start = asObject(event.messageStart);
        if (start && typeof start.role === 'string') acc.role = start.role;
        break;
      }
      case 'contentBlockStart': {
        const blockStart = asObject(event.contentBlockStart);
        const toolUse = asObject(asObject(blockStart?.start)?.toolUse);
        if (blockStart && toolUse) acc.startToolCall(asNumber(blockStart.contentBlockIndex) ?? 0, toolUse.toolUseId, toolUse.name);
        break;
      }
      case 'messageStop': {
        const stop = asObject(event.messageStop);
        if (stop) acc.finishReason = converseFinishReason(stop.stopReason) ?? acc.finishReason;
        break;
      }
      case 'metadata': {
        const metadata = asObject(event.metadata);
        if (metadata?.usage) acc.usage = converseUsage(metadata.usage);
        break;
      }
    }
  }
}

/** A Converse output (also Nova's InvokeModel response body, which has its shape): finish reason, usage, message. */
export function converseResponse(output: Json, captureContent: boolean): InvocationResponse {
  const finishReason = converseFinishReason(output.stopReason) ?? 'error';
  const message = asObject(output.output)?.message;
  return {
    finishReasons: [finishReason],
    usage: converseUsage(output.usage),
    outputMessages: captureContent && message ? () => [converseOutputMessage(message, finishReason)] : undefined,
  };
}

/** Converse's `additionalModelRequestFields` carry model-specific parameters: top K. */
function requestedTopK(fields: Json | undefined): number | undefined {
  if (!fields) return undefined;
  return asNumber(fields.top_k) ?? asNumber(fields.topK) ?? asNumber(asObject(fields.inferenceConfig)?.topK);
}

function reasoningLevel(input: Json, fields: Json | undefined): string | undefined {
  const level =
    asString(asObject(input.outputConfig)?.effort) ??
    asString(asObject(fields?.reasoningConfig)?.maxReasoningEffort) ??
    asString(asObject(fields?.reasoning_config)?.max_reasoning_effort);
  return level || undefined;
}

export function converseCommand(input: Json, endpoint: Endpoint, streamed: boolean): CallTranslation<BedrockResultTranslation> {
  const inference = asObject(input.inferenceConfig) ?? {};
  const fields = asObject(input.additionalModelRequestFields);
  const textFormat = asObject(asObject(input.outputConfig)?.textFormat);
  const request = bedrockRequest(
    'chat',
    input.modelId,
    endpoint,
    {
      maxTokens: asNumber(inference.maxTokens),
      temperature: asNumber(inference.temperature),
      topP: asNumber(inference.topP),
      topK: requestedTopK(fields),
      stopSequences: asStrings(inference.stopSequences),
      outputType: textFormat?.type === 'json_schema' ? 'json' : undefined,
      reasoningLevel: reasoningLevel(input, fields),
      stream: streamed,
    },
    guardrailAttributes(asObject(input.guardrailConfig)?.guardrailIdentifier),
    () => ({
      systemInstructions: converseSystemInstructions(input.system),
      inputMessages: converseInputMessages(input.messages),
      toolDefinitions: converseToolDefinitions(input.toolConfig),
    }),
  );

  return {
    request,
    results: (captureContent) => ({
      response: ({ output }) => converseResponse(output, captureContent),
      failure: commandFailure,
      streamProperty: streamed ? 'stream' : undefined,
      stream: streamed
        ? (): ChunkHandler => {
            const acc = new BlockAccumulator(captureContent);
            return {
              onChunk(event) {
                const e = asObject(event);
                if (e) applyConverseEvent(acc, e);
              },
              toResponse: () => acc.toResponse(),
            };
          }
        : undefined,
    }),
  };
}
