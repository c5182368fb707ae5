/*
 * Where a groq-sdk client sends its requests: its `baseURL` (default `https://api.groq.com`; the
 * `/openai/v1` prefix is part of each call's path). The SDK only speaks to Groq, so the provider is
 * always `groq`, whatever host a proxy or test server has.
 */
import { type Endpoint, perClient, serverOfUrl } from '../../core';

export type { Endpoint };

export const GROQ_PROVIDER = 'groq';

/** Reads the endpoint of a client once (clients are long-lived; baseURL is fixed at construction). */
export const endpointOf: (client: unknown) => Endpoint = perClient(computeEndpoint, { provider: GROQ_PROVIDER });

function computeEndpoint(client: { baseURL?: unknown }): Endpoint {
  // An unparsable base URL leaves server.* unset (the SDK then fails the call itself).
  const { serverAddress, serverPort } = (typeof client.baseURL === 'string' ? serverOfUrl(client.baseURL) : undefined) ?? {};
  return { provider: GROQ_PROVIDER, serverAddress, serverPort };
}
