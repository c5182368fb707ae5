/*
 * The per-client middleware, added once per client on its first instrumented call. It sits innermost in
 * the stack (step `deserialize`, priority `low`), right before the HTTP handler, and reads the request the
 * SDK really sends (its resolved endpoint: `server.address` / `server.port`, which the AWS SDK only
 * resolves asynchronously: later calls of that client start with them, and a first call's span gets them
 * here when ./client-config.ts could not know them, or knew them wrong) and the response headers
 * (Bedrock's token counts for InvokeModel families whose body has none). It learns which call it serves
 * from the active context. When `send` ran with tracing suppressed (see ./instrumentation.ts), it restores
 * the call's context before the HTTP handler, so transport spans still nest under our span.
 */
import { type Context, context, createContextKey } from '@opentelemetry/api';
import type { Invocation } from '../../core';
import { serverOf } from '../../core/endpoint';
import { perClient } from '../../core/per-client';
import { asObject } from '../../core/readers';
import { reportFailure } from '../../core/safely';
import type { Endpoint, ResponseHeaders } from './operation';

const CALL_STATE_KEY = createContextKey('opentelemetry-instrumentation-genai bedrock call');
const MIDDLEWARE_NAME = 'openTelemetryGenAIBedrockMiddleware';

/** One instrumented `send` in progress, shared by the send wrapper and the middleware. */
export interface CallState {
  readonly invocation: Invocation;
  readonly client: object;
  /** The invocation's context with this state in it: what the HTTP handler runs in. */
  context: Context;
  /** We ran `send` with tracing suppressed: the middleware must restore our context. */
  restoreContext: boolean;
  headers: ResponseHeaders;
}

/** The context the call's SDK code runs in: the invocation's context with the call's state in it. */
export function withCallState(invocationContext: Context, state: CallState): Context {
  return invocationContext.setValue(CALL_STATE_KEY, state);
}

/** Where each client's requests went (learned by the middleware), for the next call's span start. */
const clientEndpoints = new WeakMap<object, Endpoint>();

/** Where this client's requests went, as the middleware last saw. */
export function knownEndpoint(client: object): Endpoint | undefined {
  return clientEndpoints.get(client);
}

interface HttpRequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
}

function onRequest(state: CallState, request: HttpRequestLike | undefined): void {
  if (!request || typeof request.hostname !== 'string' || request.hostname === '') return;
  const endpoint = serverOf(request.hostname, typeof request.port === 'number' ? request.port : undefined, request.protocol);
  if (state.client && typeof state.client === 'object') {
    const known = clientEndpoints.get(state.client);
    if (known?.serverAddress !== endpoint.serverAddress || known.serverPort !== endpoint.serverPort) clientEndpoints.set(state.client, endpoint);
  }
  state.invocation.setServer(endpoint.serverAddress, endpoint.serverPort);
}

type Output = { response?: unknown };
type Handler = (args: { request?: unknown }) => Promise<Output>;

/** Innermost middleware: sees the request as sent and the raw response; restores our context if needed. */
function genaiMiddleware(next: Handler): Handler {
  // Not `async`, and no closures but the one reading the response: this runs on every call.
  return (args) => {
    let state: CallState | undefined;
    let output: Promise<Output>;
    try {
      state = context.active().getValue(CALL_STATE_KEY) as CallState | undefined;
      if (state) {
        try {
          onRequest(state, args.request as HttpRequestLike);
        } catch (error) {
          reportFailure('reading the Bedrock request endpoint', error);
        }
      }
      output = state?.restoreContext ? context.with(state.context, next, undefined, args) : next(args);
    } catch (error) {
      // As from an async function: a handler's synchronous throw is a rejection.
      return Promise.reject(error);
    }
    if (!state) return output;
    const call = state;
    return Promise.resolve(output).then((result) => {
      try {
        const headers = asObject(asObject(result?.response)?.headers);
        if (headers) call.headers = headers as ResponseHeaders;
      } catch (error) {
        reportFailure('reading the Bedrock response headers', error);
      }
      return result;
    });
  };
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * Adds the middleware to a client's stack once. It runs on every later call unless the client caches
 * its resolved handlers (`cacheMiddleware: true`) and already had some: those were built without it.
 */
export const addMiddleware: (client: object) => boolean = perClient((client: object) => {
  let runsEveryCall = false;
  try {
    const stack = (client as { middlewareStack?: Partial<MiddlewareStackLike> }).middlewareStack;
    if (stack && typeof stack.add === 'function') {
      stack.add(genaiMiddleware, { step: 'deserialize', priority: 'low', name: MIDDLEWARE_NAME, override: true });
      runsEveryCall = !(client as { handlers?: unknown }).handlers;
    }
  } catch {
    runsEveryCall = false;
  }
  return runsEveryCall;
}, false);
