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
  // Regional Vertex AI endpoints: {location}-aiplatform.googleapis.com.
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['.ml.cloud.ibm.com', 'ibm.watsonx.ai'],
  ['.amazonaws.com', 'aws.bedrock'],
  ['.api.aws', 'aws.bedrock'],
  ['api.anthropic.com', 'anthropic'],
];

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
  return { provider: providerForClass(client) ?? providerForHost(serverAddress) ?? 'openai', serverAddress, serverPort };
}

/** The provider named by the client's class or any base class (apps subclass AzureOpenAI too). */
function providerForClass(client: object): string | undefined {
  for (let proto: unknown = Object.getPrototypeOf(client); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(CLASS_PROVIDERS, name)) return CLASS_PROVIDERS[name];
  }
  return undefined;
}
