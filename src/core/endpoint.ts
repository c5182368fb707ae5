/*
 * Where a call goes (`gen_ai.provider.name`, `server.address`, `server.port`), from what providers read off
 * their clients: a base URL, the HTTP request the SDK resolved, the client's class. Which hosts and classes
 * mean which provider is each provider's own table.
 */
import type { Attributes } from '@opentelemetry/api';
import type { InvocationRequest, RequestContent, RequestParameters } from './model';
import type { GenAIOperationName } from './semconv';

export interface ServerAddress {
  serverAddress?: string;
  serverPort?: number;
}

export interface Endpoint extends ServerAddress {
  provider: string;
}

/** The part of every request that names the call: operation, model, provider and server. */
export function requestIdentity(
  operation: GenAIOperationName,
  requestModel: string | undefined,
  endpoint: Endpoint,
): Pick<InvocationRequest, 'operation' | 'provider' | 'requestModel' | 'serverAddress' | 'serverPort'> {
  return { operation, provider: endpoint.provider, requestModel, serverAddress: endpoint.serverAddress, serverPort: endpoint.serverPort };
}

/**
 * A whole request: its identity (see requestIdentity) and the rest, built as one object, not spread from
 * a second one (for speed: every call of the hot providers builds one).
 */
export function invocationRequest(
  operation: GenAIOperationName,
  requestModel: string | undefined,
  endpoint: Endpoint,
  params: RequestParameters,
  attributes?: Attributes,
  content?: () => RequestContent,
): InvocationRequest {
  return {
    operation,
    provider: endpoint.provider,
    requestModel,
    serverAddress: endpoint.serverAddress,
    serverPort: endpoint.serverPort,
    params,
    attributes,
    content,
  };
}

/** The server of a request: its host (an IPv6 literal without brackets) and port, the scheme's default when none is given. */
export function serverOf(hostname: string, port: number | undefined, protocol: string | undefined): Required<ServerAddress> {
  return {
    // An IPv6 literal loses its brackets (the check first: this runs on every call of some providers).
    serverAddress: hostname.startsWith('[') ? hostname.replace(/^\[(.*)\]$/, '$1') : hostname,
    serverPort: port ?? (protocol === 'http:' ? 80 : 443),
  };
}

/** The server of a base URL; undefined when the URL does not parse (the SDK then fails the call itself). */
export function serverOfUrl(baseUrl: string): Required<ServerAddress> | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  return serverOf(url.hostname, url.port ? Number(url.port) : undefined, url.protocol);
}

/** The entry for the first class of `obj`'s prototype chain (its own class, then its base classes) that `byClassName` names. */
export function lookupByClassName<T>(obj: object, byClassName: Readonly<Record<string, T>>): T | undefined {
  for (let proto: unknown = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(byClassName, name)) return byClassName[name];
  }
  return undefined;
}
