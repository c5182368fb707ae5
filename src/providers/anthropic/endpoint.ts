/*
 * Where an Anthropic client sends its requests, and which GenAI provider that is. The Bedrock, Vertex and
 * Foundry clients (separate packages built on BaseAnthropic) reach the same patched resource classes when
 * they resolve the same copy of @anthropic-ai/sdk.
 */
import { type Endpoint, lookupByClassName, perClient, serverOfUrl } from '../../core';

export type AnthropicEndpoint = Endpoint;

/** Client class name (or a base class's) → `gen_ai.provider.name`, for SDK versions without `_genAIProviderName`. */
const CLASS_PROVIDERS: Readonly<Record<string, string>> = {
  AnthropicBedrock: 'aws.bedrock',
  AnthropicVertex: 'gcp.vertex_ai',
};

/** Reads the endpoint of a client once (baseURL is fixed at construction; `withOptions()` copies are new clients). */
export const endpointOf: (client: unknown) => AnthropicEndpoint = perClient(computeEndpoint, { provider: 'anthropic' });

function computeEndpoint(client: { baseURL?: unknown; _genAIProviderName?: unknown }): AnthropicEndpoint {
  // An unparsable base URL leaves server.* unset.
  const { serverAddress, serverPort } = (typeof client.baseURL === 'string' ? serverOfUrl(client.baseURL) : undefined) ?? {};
  // 1.x (and 0.134+) clients name their provider themselves (the Bedrock and Vertex clients override it).
  const own = typeof client._genAIProviderName === 'string' && client._genAIProviderName !== '' ? client._genAIProviderName : undefined;
  return { provider: own ?? lookupByClassName(client, CLASS_PROVIDERS) ?? 'anthropic', serverAddress, serverPort };
}
