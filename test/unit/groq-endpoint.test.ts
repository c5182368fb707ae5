/*
 * Where a groq-sdk client's calls go, read off real clients without any request: the default base URL
 * (api.groq.com), GROQ_BASE_URL, an explicit baseURL; the provider is always `groq`.
 */
import Groq from 'groq-sdk';
import { endpointOf } from '../../src/providers/groq/endpoint';
import { useClearedEnv, withEnv } from '../helpers/env';

describe('groq endpoint', () => {
  useClearedEnv(['GROQ_BASE_URL']);

  it('a default client: api.groq.com, port 443', () => {
    expect(endpointOf(new Groq({ apiKey: 'k' }))).toEqual({ provider: 'groq', serverAddress: 'api.groq.com', serverPort: 443 });
  });

  it('GROQ_BASE_URL and an explicit baseURL (a proxy) keep the provider `groq`', async () => {
    await withEnv('GROQ_BASE_URL', 'http://llm-proxy.internal:8080', async () => {
      expect(endpointOf(new Groq({ apiKey: 'k' }))).toEqual({ provider: 'groq', serverAddress: 'llm-proxy.internal', serverPort: 8080 });
    });
    expect(endpointOf(new Groq({ apiKey: 'k', baseURL: 'https://[::1]:9443/' }))).toEqual({ provider: 'groq', serverAddress: '::1', serverPort: 9443 });
  });

  it('no client, or a base URL that does not parse: provider only', () => {
    expect(endpointOf(undefined)).toEqual({ provider: 'groq', serverAddress: undefined, serverPort: undefined });
    expect(endpointOf({ baseURL: 'not a url' })).toEqual({ provider: 'groq', serverAddress: undefined, serverPort: undefined });
  });
});
