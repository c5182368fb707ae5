/*
 * Where an openai client sends its requests, and which GenAI provider that is. The same SDK talks to
 * OpenAI, Azure OpenAI, Bedrock's OpenAI-compatible endpoint and many OpenAI-compatible hosts; the
 * conventions name a provider value for several of them (../../core/provider-hosts.ts). An unknown host stays `openai`.
 */
import { type Endpoint, lookupByClassName, perClient, providerForHost, serverOfUrl } from '../../core';

export { providerForHost };

export type { Endpoint };

/** Client class name (or a base class's: apps subclass AzureOpenAI too) → `gen_ai.provider.name`. */
const CLASS_PROVIDERS: Readonly<Record<string, string>> = {
  AzureOpenAI: 'azure.ai.openai',
  BedrockOpenAI: 'aws.bedrock',
};

/** Reads the endpoint of a client once (clients are long-lived; baseURL is fixed at construction). */
export const endpointOf: (client: unknown) => Endpoint = perClient(computeEndpoint, { provider: 'openai' });

function computeEndpoint(client: { baseURL?: unknown }): Endpoint {
  // An unparsable base URL leaves server.* unset.
  const { serverAddress, serverPort } = (typeof client.baseURL === 'string' ? serverOfUrl(client.baseURL) : undefined) ?? {};
  return { provider: lookupByClassName(client, CLASS_PROVIDERS) ?? providerForHost(serverAddress) ?? 'openai', serverAddress, serverPort };
}
