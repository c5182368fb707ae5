/*
 * Where an Anthropic client sends its requests, and which GenAI provider that is. The Bedrock, Vertex and
 * Foundry clients (separate packages built on BaseAnthropic) reach the same patched resource classes when
 * they resolve the same copy of @anthropic-ai/sdk.
 */
export interface AnthropicEndpoint {
  provider: string;
  serverAddress?: string;
  serverPort?: number;
}

/** Client class name (or a base class's) → `gen_ai.provider.name`, for SDK versions without `_genAIProviderName`. */
const CLASS_PROVIDERS: Readonly<Record<string, string>> = {
  AnthropicBedrock: 'aws.bedrock',
  AnthropicVertex: 'gcp.vertex_ai',
};

const cache = new WeakMap<object, AnthropicEndpoint>();

/** Reads the endpoint of a client once (baseURL is fixed at construction; `withOptions()` copies are new clients). */
export function endpointOf(client: unknown): AnthropicEndpoint {
  if (!client || typeof client !== 'object') return { provider: 'anthropic' };
  let endpoint = cache.get(client);
  if (!endpoint) {
    endpoint = computeEndpoint(client as { baseURL?: unknown; _genAIProviderName?: unknown });
    cache.set(client, endpoint);
  }
  return endpoint;
}

function computeEndpoint(client: { baseURL?: unknown; _genAIProviderName?: unknown }): AnthropicEndpoint {
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (typeof client.baseURL === 'string') {
    try {
      const url = new URL(client.baseURL);
      serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1');
      serverPort = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    } catch {
      // An unparsable base URL: the SDK fails the call itself; server.* stays unset.
    }
  }
  // 1.x (and 0.134+) clients name their provider themselves (the Bedrock and Vertex clients override it).
  const own = typeof client._genAIProviderName === 'string' && client._genAIProviderName !== '' ? client._genAIProviderName : undefined;
  return { provider: own ?? providerForClass(client) ?? 'anthropic', serverAddress, serverPort };
}

function providerForClass(client: object): string | undefined {
  for (let proto: unknown = Object.getPrototypeOf(client); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(CLASS_PROVIDERS, name)) return CLASS_PROVIDERS[name];
  }
  return undefined;
}
