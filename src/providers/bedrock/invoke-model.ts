/*
 * InvokeModelCommand and InvokeModelWithResponseStreamCommand: the body is the model family's native
 * JSON, so the family is chosen by model id (foundation model ids, cross-region inference profile ids
 * such as `us.anthropic.claude-...`, and ARNs all contain `{provider}.{model}`), then by unmistakable body
 * shapes (an opaque application inference profile or provisioned model ARN), else it is unknown.
 */
import type { CallTranslation, ChunkHandler, InvocationRequest, InvocationResponse, TokenUsage } from '../../core';
import type { Json } from '../../core';
import { asObject } from '../../core/readers';
import { anthropicFamily } from './families/anthropic';
import { cohereChatFamily, cohereEmbedFamily, cohereGenerateFamily } from './families/cohere';
import type { ModelFamily } from './families/family';
import { genericFamily } from './families/generic';
import { llamaFamily } from './families/llama';
import { mistralTextFamily } from './families/mistral';
import { novaFamily } from './families/nova';
import { openaiChatFamily } from './families/openai-chat';
import { titanEmbeddingsFamily, titanTextFamily } from './families/titan';
import { bedrockUsage, invocationMetricsUsage, parseJsonBody } from './json';
import { commandFailure } from './command-output';
import { type BedrockResultTranslation, bedrockRequest, type Endpoint, guardrailAttributes, headerCounts } from './operation';

export function modelFamily(modelId: string, body: Json): ModelFamily {
  const id = modelId.toLowerCase();
  if (id.includes('anthropic.claude')) return anthropicFamily;
  if (id.includes('amazon.titan-embed')) return titanEmbeddingsFamily;
  if (id.includes('amazon.titan-text') || id.includes('amazon.titan-tg1')) return titanTextFamily;
  if (id.includes('amazon.nova') && !/amazon\.nova-(canvas|reel|sonic)|embed/.test(id)) return novaFamily;
  if (id.includes('meta.llama')) return llamaFamily;
  if (id.includes('cohere.embed')) return cohereEmbedFamily;
  if (id.includes('cohere.command-r')) return cohereChatFamily;
  if (id.includes('cohere.command')) return cohereGenerateFamily;
  if (id.includes('mistral.')) return Array.isArray(body.messages) ? openaiChatFamily : mistralTextFamily;
  if (id.includes('openai.')) return openaiChatFamily;
  if (typeof body.anthropic_version === 'string') return anthropicFamily;
  if (body.schemaVersion === 'messages-v1') return novaFamily;
  return genericFamily(modelId);
}

/** Bedrock stops a response its guardrail intervened on and says so in the body. */
function guardrailIntervened(body: Json): boolean {
  return body['amazon-bedrock-guardrailAction'] === 'INTERVENED';
}

function asContentFilter(response: InvocationResponse): InvocationResponse {
  const reasons = response.finishReasons?.length ? response.finishReasons : ['content_filter'];
  const outputMessages = response.outputMessages;
  return {
    ...response,
    finishReasons: reasons.map(() => 'content_filter'),
    outputMessages: outputMessages && (() => outputMessages().map((m) => ({ ...m, finish_reason: 'content_filter' }))),
  };
}

/** Embeddings report input tokens only. */
function forOperation(operation: InvocationRequest['operation'], usage: TokenUsage | undefined): TokenUsage | undefined {
  if (!usage || operation !== 'embeddings') return usage;
  return usage.inputTokens === undefined ? undefined : { inputTokens: usage.inputTokens };
}

export function invokeModelCommand(input: Json, endpoint: Endpoint, streamed: boolean): CallTranslation<BedrockResultTranslation> {
  const modelId = typeof input.modelId === 'string' ? input.modelId : '';
  // A body we cannot read (a stream, or not JSON) still gets a span: model, guardrail, usage from headers.
  const parsed = parseJsonBody(input.body);
  const body = parsed ?? {};
  const family = modelFamily(modelId, body);
  const operation = family.operation(body);
  const content = family.content;

  const request = bedrockRequest(
    operation,
    input.modelId,
    endpoint,
    { ...family.params(body), stream: streamed },
    guardrailAttributes(input.guardrailIdentifier),
    parsed && content && operation !== 'embeddings' ? () => content(body) : undefined,
  );

  return {
    request,
    results: (captureContent) => ({
      response({ output, headers }): InvocationResponse {
        const responseBody = parseJsonBody(output.body);
        let response = responseBody ? family.response(responseBody, captureContent, body) : {};
        // Bedrock's own token counts (response headers) for the families whose body has none.
        const usage = response.usage ?? bedrockUsage(headerCounts(headers));
        response = { ...response, usage: forOperation(operation, usage) };
        if (responseBody && guardrailIntervened(responseBody)) response = asContentFilter(response);
        return response;
      },
      failure: commandFailure,
      streamProperty: streamed ? 'body' : undefined,
      stream: streamed
        ? (): ChunkHandler => {
            const familyStream = family.stream?.(body, captureContent);
            let metricsUsage: TokenUsage | undefined;
            let intervened = false;
            return {
              onChunk(event) {
                const chunk = parseJsonBody(asObject(asObject(event)?.chunk)?.bytes);
                if (!chunk) return;
                metricsUsage = invocationMetricsUsage(chunk) ?? metricsUsage;
                if (guardrailIntervened(chunk)) intervened = true;
                familyStream?.onChunk(chunk);
              },
              toResponse(interrupted) {
                let response = familyStream?.toResponse(interrupted) ?? {};
                response = { ...response, usage: forOperation(operation, response.usage ?? metricsUsage) };
                return intervened ? asContentFilter(response) : response;
              },
            };
          }
        : undefined,
    }),
  };
}
