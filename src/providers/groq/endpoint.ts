/*
 * Where a groq-sdk client sends its requests: its `baseURL` (default `https://api.groq.com`; the
 * `/openai/v1` prefix is part of each call's path). The SDK only speaks to Groq, so the provider is
 * always `groq`, whatever host a proxy or test server has.
 */
import { type Endpoint, serverOfUrl } from '../../core';

export const GROQ_PROVIDER = 'groq';

export function endpointOf(client: unknown): Endpoint {
  const baseURL = (client as { baseURL?: unknown } | null | undefined)?.baseURL;
  // An unparsable base URL leaves server.* unset (the SDK then fails the call itself).
  const { serverAddress, serverPort } = (typeof baseURL === 'string' ? serverOfUrl(baseURL) : undefined) ?? {};
  return { provider: GROQ_PROVIDER, serverAddress, serverPort };
}
