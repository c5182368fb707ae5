/*
 * Where an openai client sends its requests, and which GenAI provider that is. The same SDK talks to
 * OpenAI, Azure OpenAI, Bedrock's OpenAI-compatible endpoint and many OpenAI-compatible hosts; the
 * conventions name a provider value for several of them. An unknown host stays `openai`.
 */
import { type Endpoint, lookupByClassName, perClient, serverOfUrl } from '../../core';

export type { Endpoint };

/** Host suffix → `gen_ai.provider.name`. First match wins, so keep the more specific suffixes first. */
const HOST_PROVIDERS: ReadonlyArray<[suffix: string, provider: string]> = [
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.cognitiveservices.azure.com', 'azure.ai.openai'],
  ['models.inference.ai.azure.com', 'azure.ai.inference'],
  ['.models.ai.azure.com', 'azure.ai.inference'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.cohere.ai', 'cohere'],
  ['api.cohere.com', 'cohere'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  // Regional Vertex AI endpoints: {location}-aiplatform.googleapis.com.
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['.ml.cloud.ibm.com', 'ibm.watsonx.ai'],
  ['.amazonaws.com', 'aws.bedrock'],
  ['.api.aws', 'aws.bedrock'],
  ['api.anthropic.com', 'anthropic'],
];

/** Client class name (or a base class's: apps subclass AzureOpenAI too) → `gen_ai.provider.name`. */
const CLASS_PROVIDERS: Readonly<Record<string, string>> = {
  AzureOpenAI: 'azure.ai.openai',
  BedrockOpenAI: 'aws.bedrock',
};

/** A suffix starting with `.` or `-` matches the end of the host; any other entry is a host or its subdomains. */
function hostMatches(host: string, suffix: string): boolean {
  return suffix.startsWith('.') || suffix.startsWith('-')
    ? host.endsWith(suffix)
    : host === suffix || host.endsWith(`.${suffix}`);
}

export function providerForHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  return HOST_PROVIDERS.find(([suffix]) => hostMatches(lower, suffix))?.[1];
}

/** Reads the endpoint of a client once (clients are long-lived; baseURL is fixed at construction). */
export const endpointOf: (client: unknown) => Endpoint = perClient(computeEndpoint, { provider: 'openai' });

function computeEndpoint(client: { baseURL?: unknown }): Endpoint {
  // An unparsable base URL leaves server.* unset.
  const { serverAddress, serverPort } = (typeof client.baseURL === 'string' ? serverOfUrl(client.baseURL) : undefined) ?? {};
  return { provider: lookupByClassName(client, CLASS_PROVIDERS) ?? providerForHost(serverAddress) ?? 'openai', serverAddress, serverPort };
}
