/*
 * Which GenAI provider and server a @google/genai call goes to. The client's ApiClient knows whether it
 * talks to Vertex AI (`vertexai: true`, or GOOGLE_GENAI_USE_VERTEXAI) or to the Gemini Developer API, and
 * its base URL (the default host, or `httpOptions.baseUrl`); a request's own `config.httpOptions.baseUrl`
 * wins over the client's, as in the SDK.
 */
import type { Endpoint } from '../../core';
import { serverOfUrl } from '../../core/endpoint';
import { perClient } from '../../core/per-client';
import { asObject, asString } from '../../core/readers';

export type { Endpoint };

export const PROVIDER_GEMINI = 'gcp.gemini';
export const PROVIDER_VERTEX_AI = 'gcp.vertex_ai';

const GEMINI_HOST = 'generativelanguage.googleapis.com';

interface ApiClientLike {
  isVertexAI?: () => unknown;
  getBaseUrl?: () => unknown;
  getLocation?: () => unknown;
  clientOptions?: { vertexai?: unknown };
}

/** Per ApiClient: the endpoint of its last base URL (a request may override it). */
const lastEndpoint = perClient((): { baseUrl?: string; endpoint?: Endpoint } => ({}), {});

/** The endpoint of a call made through this `Models` instance with these params. */
export function endpointOf(models: unknown, params: unknown): Endpoint {
  const apiClient = asObject(asObject(models)?.apiClient) as ApiClientLike | undefined;
  const requestBaseUrl = asString(asObject(asObject(asObject(params)?.config)?.httpOptions)?.baseUrl);
  if (!apiClient) return fromBaseUrl(PROVIDER_GEMINI, requestBaseUrl, undefined);
  const baseUrl = requestBaseUrl ?? clientBaseUrl(apiClient);
  const last = lastEndpoint(apiClient);
  if (last.endpoint && last.baseUrl === baseUrl) return last.endpoint;
  const vertex = isVertex(apiClient);
  const endpoint = fromBaseUrl(vertex ? PROVIDER_VERTEX_AI : PROVIDER_GEMINI, baseUrl, vertex ? vertexHost(apiClient) : GEMINI_HOST);
  last.baseUrl = baseUrl;
  last.endpoint = endpoint;
  return endpoint;
}

function isVertex(apiClient: ApiClientLike): boolean {
  try {
    if (typeof apiClient.isVertexAI === 'function') return apiClient.isVertexAI() === true;
  } catch {
    // fall through
  }
  return apiClient.clientOptions?.vertexai === true;
}

function clientBaseUrl(apiClient: ApiClientLike): string | undefined {
  try {
    return typeof apiClient.getBaseUrl === 'function' ? asString(apiClient.getBaseUrl()) : undefined;
  } catch {
    return undefined; // the SDK throws when no base URL is set
  }
}

/** The default Vertex AI host when no base URL can be read: `{location}-aiplatform.googleapis.com`. */
function vertexHost(apiClient: ApiClientLike): string {
  let location: string | undefined;
  try {
    location = typeof apiClient.getLocation === 'function' ? asString(apiClient.getLocation()) : undefined;
  } catch {
    location = undefined;
  }
  return location && location !== 'global' ? `${location}-aiplatform.googleapis.com` : 'aiplatform.googleapis.com';
}

function fromBaseUrl(provider: string, baseUrl: string | undefined, defaultHost: string | undefined): Endpoint {
  // An unparsable base URL leaves server.* unset.
  if (baseUrl) return { provider, ...serverOfUrl(baseUrl) };
  return defaultHost ? { provider, serverAddress: defaultHost, serverPort: 443 } : { provider };
}
