/*
 * Where an openai client sends its requests, and which GenAI provider that is. The same SDK talks to
 * OpenAI, Azure OpenAI, Bedrock's OpenAI-compatible endpoint and many OpenAI-compatible hosts; the
 * conventions name a provider value for several of them. An unknown host stays `openai`.
 */
export interface Endpoint {
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

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
  ['.ml.cloud.ibm.com', 'ibm.watsonx.ai'],
  ['.amazonaws.com', 'aws.bedrock'],
  ['.api.aws', 'aws.bedrock'],
  ['api.anthropic.com', 'anthropic'],
];

const CLASS_PROVIDERS: Readonly<Record<string, string>> = {
  AzureOpenAI: 'azure.ai.openai',
  BedrockOpenAI: 'aws.bedrock',
};

function hostMatches(host: string, suffix: string): boolean {
  return suffix.startsWith('.') ? host.endsWith(suffix) : host === suffix || host.endsWith(`.${suffix}`);
}

export function providerForHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  return HOST_PROVIDERS.find(([suffix]) => hostMatches(lower, suffix))?.[1];
}

const endpointCache = new WeakMap<object, Endpoint>();

/** Reads the endpoint of a client once (clients are long-lived; baseURL is fixed at construction). */
export function endpointOf(client: unknown): Endpoint {
  if (!client || typeof client !== 'object') return { provider: 'openai' };
  const cached = endpointCache.get(client);
  if (cached) return cached;
  const endpoint = computeEndpoint(client as { baseURL?: unknown; constructor?: { name?: string } });
  endpointCache.set(client, endpoint);
  return endpoint;
}

function computeEndpoint(client: { baseURL?: unknown; constructor?: { name?: string } }): Endpoint {
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (typeof client.baseURL === 'string') {
    try {
      const url = new URL(client.baseURL);
      serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1');
      serverPort = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    } catch {
      // An unparsable base URL: the SDK will fail the call itself; we just leave server.* unset.
    }
  }
  const byClass = client.constructor?.name ? CLASS_PROVIDERS[client.constructor.name] : undefined;
  return { provider: byClass ?? providerForHost(serverAddress) ?? 'openai', serverAddress, serverPort };
}
