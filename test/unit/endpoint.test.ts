/* endpointOf / providerForHost: gen_ai.provider.name, server.address and server.port from an openai client. */
import { endpointOf, providerForHost } from '../../src/providers/openai/endpoint';

describe('providerForHost', () => {
  it.each([
    ['my-resource.openai.azure.com', 'azure.ai.openai'],
    ['my-resource.cognitiveservices.azure.com', 'azure.ai.openai'],
    ['models.inference.ai.azure.com', 'azure.ai.inference'],
    ['my-endpoint.eastus2.models.ai.azure.com', 'azure.ai.inference'],
    ['my-project.services.ai.azure.com', 'azure.ai.inference'],
    ['api.groq.com', 'groq'],
    ['api.deepseek.com', 'deepseek'],
    ['api.x.ai', 'x_ai'],
    ['api.perplexity.ai', 'perplexity'],
    ['api.mistral.ai', 'mistral_ai'],
    ['api.cohere.ai', 'cohere'],
    ['api.cohere.com', 'cohere'],
    ['generativelanguage.googleapis.com', 'gcp.gemini'],
    ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
    // Vertex AI's OpenAI-compatible endpoint is usually regional: {LOCATION}-aiplatform.googleapis.com.
    ['us-central1-aiplatform.googleapis.com', 'gcp.vertex_ai'],
    ['europe-west4-aiplatform.googleapis.com', 'gcp.vertex_ai'],
    ['us-south.ml.cloud.ibm.com', 'ibm.watsonx.ai'],
    ['bedrock-runtime.us-east-1.amazonaws.com', 'aws.bedrock'],
    ['bedrock-mantle.us-west-2.api.aws', 'aws.bedrock'],
    ['api.anthropic.com', 'anthropic'],
    // Subdomains of an exact host entry match too.
    ['eu.api.groq.com', 'groq'],
    // Case does not matter.
    ['API.X.AI', 'x_ai'],
    ['My-Resource.OpenAI.Azure.com', 'azure.ai.openai'],
  ])('%s → %s', (host, provider) => {
    expect(providerForHost(host)).toBe(provider);
  });

  it.each([
    ['api.openai.com'],
    ['localhost'],
    ['127.0.0.1'],
    ['openrouter.ai'],
    // Lookalikes: a provider's name inside another domain, or glued to the front of it.
    ['api.groq.com.evil.example'],
    ['notapi.groq.com'],
    ['xapi.x.ai'],
    ['openai.azure.com.evil.example'],
    ['googleapis.com'],
    // A dotted suffix entry needs a label in front of it.
    ['openai.azure.com'],
  ])('%s → no provider', (host) => {
    expect(providerForHost(host)).toBeUndefined();
  });

  it('no host → no provider', () => {
    expect(providerForHost(undefined)).toBeUndefined();
    expect(providerForHost('')).toBeUndefined();
  });
});

describe('endpointOf', () => {
  const client = (baseURL: unknown, ctor?: string) => {
    if (!ctor) return { baseURL };
    // A client object whose class has the given name, like the SDK's AzureOpenAI / BedrockOpenAI.
    const cls = { [ctor]: class {} }[ctor]!;
    return Object.assign(new cls(), { baseURL });
  };

  it.each([
    ['https://api.openai.com/v1', { provider: 'openai', serverAddress: 'api.openai.com', serverPort: 443 }],
    ['http://localhost/v1', { provider: 'openai', serverAddress: 'localhost', serverPort: 80 }],
    ['http://localhost:8000/v1', { provider: 'openai', serverAddress: 'localhost', serverPort: 8000 }],
    ['https://example.com:443/v1', { provider: 'openai', serverAddress: 'example.com', serverPort: 443 }],
    ['http://example.com:80/v1', { provider: 'openai', serverAddress: 'example.com', serverPort: 80 }],
    ['http://[2001:db8::1]:9000/v1', { provider: 'openai', serverAddress: '2001:db8::1', serverPort: 9000 }],
    ['https://[::1]/v1', { provider: 'openai', serverAddress: '::1', serverPort: 443 }],
    ['https://api.mistral.ai/v1', { provider: 'mistral_ai', serverAddress: 'api.mistral.ai', serverPort: 443 }],
    ['https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/endpoints/openapi', {
      provider: 'gcp.vertex_ai',
      serverAddress: 'us-east5-aiplatform.googleapis.com',
      serverPort: 443,
    }],
  ])('%s', (baseURL, expected) => {
    expect(endpointOf(client(baseURL))).toEqual(expected);
  });

  it('the client class decides before the host', () => {
    expect(endpointOf(client('http://127.0.0.1:1234/openai', 'AzureOpenAI'))).toEqual({
      provider: 'azure.ai.openai',
      serverAddress: '127.0.0.1',
      serverPort: 1234,
    });
    expect(endpointOf(client('https://api.groq.com/openai/v1', 'BedrockOpenAI'))).toEqual({
      provider: 'aws.bedrock',
      serverAddress: 'api.groq.com',
      serverPort: 443,
    });
    expect(endpointOf(client('https://api.groq.com/openai/v1', 'SomethingElse')).provider).toBe('groq');
  });

  it('a missing, non-string or unparsable baseURL leaves server.* unset', () => {
    expect(endpointOf(client(undefined))).toEqual({ provider: 'openai', serverAddress: undefined, serverPort: undefined });
    expect(endpointOf(client(42))).toEqual({ provider: 'openai', serverAddress: undefined, serverPort: undefined });
    expect(endpointOf(client('/relative/v1'))).toEqual({ provider: 'openai', serverAddress: undefined, serverPort: undefined });
    expect(endpointOf(client('::::'))).toEqual({ provider: 'openai', serverAddress: undefined, serverPort: undefined });
  });

  it('non-objects give provider openai only', () => {
    expect(endpointOf(undefined)).toEqual({ provider: 'openai' });
    expect(endpointOf(null)).toEqual({ provider: 'openai' });
    expect(endpointOf('https://api.groq.com')).toEqual({ provider: 'openai' });
  });

  it('is computed once per client (clients are long-lived; their baseURL is fixed at construction)', () => {
    const c = client('https://api.groq.com/openai/v1') as { baseURL: unknown };
    const first = endpointOf(c);
    c.baseURL = 'https://api.x.ai/v1';
    expect(endpointOf(c)).toBe(first);
    expect(endpointOf(client('https://api.x.ai/v1')).provider).toBe('x_ai');
  });
});
