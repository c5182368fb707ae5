/*
 * gen_ai.provider.name of an AI SDK call: the provider id the AI SDK reports, mapped; an id the conventions
 * do not know (an OpenAI-compatible provider the app named) is named by the host of its base URL, as the
 * openai SDK's base URL is, when that host is a known provider's; else the id's first segment.
 */
import { providerAndServer, providerName } from '../../src/providers/vercel-ai/provider-name';

describe('providerName', () => {
  it.each([
    ['openai.chat', undefined, 'openai'],
    ['openai.responses', 'api.groq.com', 'openai'], // a known id wins over the host
    ['azure.chat', undefined, 'azure.ai.openai'],
    ['anthropic.messages', undefined, 'anthropic'],
    ['google.generative-ai', undefined, 'gcp.gemini'],
    ['google.vertex.chat', undefined, 'gcp.vertex_ai'],
    ['vertex.anthropic.messages', undefined, 'gcp.vertex_ai'],
    ['amazon-bedrock', undefined, 'aws.bedrock'],
    ['my-gateway.chat', 'api.groq.com', 'groq'],
    ['my-gateway.chat', 'myresource.openai.azure.com', 'azure.ai.openai'],
    ['my-gateway.chat', 'llm.internal.example', 'my-gateway'],
    ['my-gateway.chat', undefined, 'my-gateway'],
    [undefined, 'api.deepseek.com', 'deepseek'],
    [undefined, undefined, 'unknown'],
  ])('%s at %s → %s', (id, host, expected) => {
    expect(providerName(id, host)).toBe(expected);
  });
});

describe('providerAndServer (a model whose base URL is known when the call starts)', () => {
  it('takes the server from the URL and the provider from its host when the id does not name one', () => {
    expect(providerAndServer('my-gateway.chat', 'https://api.groq.com/openai/v1')).toEqual({ provider: 'groq', serverAddress: 'api.groq.com', serverPort: 443 });
    expect(providerAndServer('openai.chat', 'http://127.0.0.1:8080/v1')).toEqual({ provider: 'openai', serverAddress: '127.0.0.1', serverPort: 8080 });
  });

  it('without a URL (or one that does not parse), the provider from the id alone and no server', () => {
    expect(providerAndServer('my-gateway.chat', undefined)).toEqual({ provider: 'my-gateway' });
    expect(providerAndServer('my-gateway.chat', 'not a url')).toEqual({ provider: 'my-gateway' });
  });
});
