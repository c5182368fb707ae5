/*
 * Auto-instrumentation for `@aws-sdk/client-bedrock-runtime` (>= 3.587.0, the first release with
 * ConverseCommand and ConverseStreamCommand): Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream, one span per `send`.
 *
 * The seam: `BedrockRuntimeClient.prototype.send`.
 * - Every way to call the API goes through it exactly once: `client.send(command)` in its promise and
 *   callback forms, and the aggregated `BedrockRuntime` client's `converse()`, `invokeModel()`, ...,
 *   which call `this.send` (BedrockRuntime extends BedrockRuntimeClient). SDK retries happen inside it,
 *   so one call is one span, like the openai instrumentation's `create`.
 * - It sees the command input before anything is serialized, and the deserialized output exactly as the
 *   caller gets it: the same promise object is returned (our reaction is registered first, so a streamed
 *   output's `stream` / `body` is observed before the caller reads it), the callback gets the same
 *   arguments, and the event stream object keeps its identity (only its `Symbol.asyncIterator` method is
 *   wrapped in place: same events, same errors, `break` still reaches the SDK).
 * - The class lives in the package we hook, unlike Smithy's shared `Client` (which moved from
 *   @aws-sdk/smithy-client to @smithy/smithy-client to @smithy/core/client). `BedrockRuntimeClient.prototype`
 *   inherits `send`; we define an own `send` that looks the inherited one up at call time (so an AWS SDK
 *   instrumentation wrapping Smithy's `Client.prototype.send` later still runs) and delete it on disable,
 *   leaving the prototype chain as we found it.
 *
 * A small middleware, added once per client on its first instrumented call, complements the seam: it sits
 * innermost in the stack (step `deserialize`, priority `low`), right before the HTTP handler, and reads
 * the request the SDK really sends (its resolved endpoint: `server.address` / `server.port`, which the AWS
 * SDK only resolves asynchronously, so a client's first call gets them set after its span started; later
 * calls of that client have them at start) and the response headers (Bedrock's token counts for
 * InvokeModel families whose body has none). It learns which call it serves from the active context.
 *
 * `@opentelemetry/instrumentation-aws-sdk` (auto-instrumentations-node) also records these four commands
 * with GenAI attributes (older conventions: `gen_ai.system`, no content) and GenAI metrics. When it (or any
 * other wrapper of Smithy's `Client.prototype.send`) is active, we run the inherited `send` with tracing
 * suppressed, so its span is non-recording and it records no GenAI metrics for the call, and our middleware
 * restores our context before the HTTP handler, so transport spans still nest under our span. Set
 * `suppressAwsSdkSpans: false` to keep its span (it then nests under ours).
 */
import { type Context, context, createContextKey } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig, Invocation, InvocationResponse } from '../../core';
import { asObject, asString, GenAIInstrumentationBase, type Json, observeAsyncIterator, safely, serverOf } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { converseCommand } from './converse';
import { invokeModelCommand } from './invoke-model';
import { ATTR_AWS_REQUEST_ID, type CommandTranslation, type Endpoint, type ResponseHeaders, type ResultTranslator } from './operation';

/** ConverseCommand and ConverseStreamCommand first shipped in 3.587.0. */
export const BEDROCK_RUNTIME_SUPPORTED_VERSIONS = ['>=3.587.0 <4'];

export interface BedrockRuntimeInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * When another instrumentation wraps the AWS SDK's shared `Client.prototype.send` (in practice
   * `@opentelemetry/instrumentation-aws-sdk`), its span for an instrumented Bedrock call duplicates
   * ours: by default it is suppressed (transport spans still nest under our span). `false` keeps it.
   */
  suppressAwsSdkSpans?: boolean;
}

type CommandKind = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';
const KINDS = new Set<string>(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream']);

/** The command's kind from its class name (or a base class's: apps may subclass commands). */
function commandKind(command: unknown): CommandKind | undefined {
  if (!command || typeof command !== 'object') return undefined;
  for (let proto = Object.getPrototypeOf(command); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name !== 'string') continue;
    // esbuild-bundled releases name the class `_ConverseCommand` internally.
    const kind = name.replace(/^_/, '').replace(/Command$/, '');
    if (KINDS.has(kind)) return kind as CommandKind;
  }
  return undefined;
}

function translate(kind: CommandKind, input: Json, endpoint: Endpoint): CommandTranslation {
  switch (kind) {
    case 'Converse':
      return converseCommand(input, endpoint, false);
    case 'ConverseStream':
      return converseCommand(input, endpoint, true);
    case 'InvokeModel':
      return invokeModelCommand(input, endpoint, false);
    case 'InvokeModelWithResponseStream':
      return invokeModelCommand(input, endpoint, true);
  }
}

// ---------------------------------------------------------------------------------------------------
// Per-call state, the middleware, and what we remember per client

/** `@opentelemetry/core`'s suppress-tracing key (createContextKey uses Symbol.for: every copy agrees). */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const CALL_STATE_KEY = createContextKey('opentelemetry-instrumentation-genai bedrock call');
const MIDDLEWARE_NAME = 'openTelemetryGenAIBedrockMiddleware';

interface CallState {
  readonly invocation: Invocation;
  readonly client: object;
  /** The invocation's context with this state in it: what the HTTP handler runs in. */
  context: Context;
  /** We ran `send` with tracing suppressed: the middleware must restore our context. */
  restoreContext: boolean;
  headers: ResponseHeaders;
}

/** Where each client's requests went (learned by the middleware), for the next call's span start. */
const clientEndpoints = new WeakMap<object, Endpoint>();
/** Clients the middleware was added to; the value says whether it runs on every call (see addMiddleware). */
const clientsWithMiddleware = new WeakMap<object, boolean>();

interface HttpRequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
}

function onRequest(state: CallState, request: HttpRequestLike | undefined): void {
  if (!request || typeof request.hostname !== 'string' || request.hostname === '') return;
  const endpoint = serverOf(request.hostname, typeof request.port === 'number' ? request.port : undefined, request.protocol);
  if (state.client && typeof state.client === 'object') clientEndpoints.set(state.client, endpoint);
  state.invocation.setServer(endpoint.serverAddress, endpoint.serverPort);
}

type Handler = (args: { request?: unknown }) => Promise<{ response?: unknown }>;

/** Innermost middleware: sees the request as sent and the raw response; restores our context if needed. */
function genaiMiddleware(next: Handler): Handler {
  return async (args) => {
    const state = context.active().getValue(CALL_STATE_KEY) as CallState | undefined;
    if (!state) return next(args);
    safely('reading the Bedrock request endpoint', () => onRequest(state, args.request as HttpRequestLike), undefined);
    const result = state.restoreContext ? await context.with(state.context, () => next(args)) : await next(args);
    safely(
      'reading the Bedrock response headers',
      () => {
        const headers = asObject(asObject(result?.response)?.headers);
        if (headers) state.headers = headers as ResponseHeaders;
      },
      undefined,
    );
    return result;
  };
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * Adds the middleware to a client's stack once. It runs on every later call unless the client caches
 * its resolved handlers (`cacheMiddleware: true`) and already had some: those were built without it.
 */
function addMiddleware(client: object): boolean {
  if (!client || (typeof client !== 'object' && typeof client !== 'function')) return false;
  const known = clientsWithMiddleware.get(client);
  if (known !== undefined) return known;
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
  clientsWithMiddleware.set(client, runsEveryCall);
  return runsEveryCall;
}

// ---------------------------------------------------------------------------------------------------
// Results

function requestIdAttributes(metadata: unknown): Record<string, string> {
  const requestId = asString(asObject(metadata)?.requestId);
  return requestId ? { [ATTR_AWS_REQUEST_ID]: requestId } : {};
}

function withAttributes(response: InvocationResponse, attributes: Record<string, string>): InvocationResponse {
  return Object.keys(attributes).length === 0 ? response : { ...response, attributes: { ...response.attributes, ...attributes } };
}

/** The failure of a call: the AWS request id, when the service answered. */
function failure(error: unknown): InvocationResponse {
  return withAttributes({}, requestIdAttributes(asObject(error)?.$metadata));
}

/** Records a command output; for a streamed one, observes its event stream (in place) until it ends. */
function recordOutput(output: unknown, invocation: Invocation, results: ResultTranslator, state: CallState): void {
  const o = asObject(output) ?? {};
  const requestId = requestIdAttributes(o.$metadata);
  const stream = results.stream;
  if (!stream) {
    invocation.end(withAttributes(safely('reading a Bedrock response', () => results.response(o, state.headers), {}), requestId));
    return;
  }
  const handler = stream.handler();
  const partial = (interrupted: boolean) =>
    withAttributes(safely('assembling a streamed Bedrock response', () => handler.toResponse(interrupted), {}), requestId);
  const iterable = o[stream.property] as { [Symbol.asyncIterator]?: (...args: unknown[]) => AsyncIterator<unknown> } | undefined;
  const factory = iterable?.[Symbol.asyncIterator];
  if (!iterable || typeof factory !== 'function') {
    invocation.end(partial(false));
    return;
  }
  const observed = function (this: unknown, ...args: unknown[]) {
    const source = factory.apply(this, args);
    return observeAsyncIterator(source, {
      onChunk(event) {
        invocation.recordChunk();
        handler.onEvent(event);
      },
      onComplete: () => invocation.end(partial(false)),
      onEarlyReturn: () => invocation.end(partial(true)),
      onError: (error) => invocation.fail(error, withAttributes(partial(true), requestIdAttributes(asObject(error)?.$metadata))),
    });
  };
  try {
    Object.defineProperty(iterable, Symbol.asyncIterator, {
      value: observed,
      writable: true,
      configurable: true,
      enumerable: Object.prototype.propertyIsEnumerable.call(iterable, Symbol.asyncIterator),
    });
  } catch {
    // A frozen stream object: leave it alone; the call ends now with what is known.
    invocation.end(partial(false));
  }
}

// ---------------------------------------------------------------------------------------------------
// The instrumentation

type SendFn = (this: object, ...args: unknown[]) => unknown;
interface ClientPrototype {
  send: SendFn;
}
type WrappedSend = SendFn & { __wrapped?: boolean; __original?: SendFn; __unwrap?: () => void };

/** `BedrockRuntimeClient.prototype` of a module's exports (or its ESM namespace). */
function clientPrototype(moduleExports: unknown): ClientPrototype | undefined {
  const ns = moduleExports as Record<string | symbol, unknown> | undefined;
  if (!ns) return undefined;
  const exportsObject = (ns.BedrockRuntimeClient ? ns : (ns.default as Record<string, unknown> | undefined)) ?? {};
  const Client = exportsObject.BedrockRuntimeClient;
  return typeof Client === 'function' ? (Client.prototype as ClientPrototype) : undefined;
}

export class BedrockRuntimeInstrumentation extends GenAIInstrumentationBase<BedrockRuntimeInstrumentationConfig> {
  constructor(config: BedrockRuntimeInstrumentationConfig = {}) {
    super('opentelemetry-instrumentation-genai/bedrock-runtime', PACKAGE_VERSION, config);
  }

  protected override init() {
    return [this.sdkModuleDefinition('@aws-sdk/client-bedrock-runtime', BEDROCK_RUNTIME_SUPPORTED_VERSIONS)];
  }

  protected override patch(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (!proto || typeof proto.send !== 'function') {
      this._diag.debug('@aws-sdk/client-bedrock-runtime: BedrockRuntimeClient.prototype.send not found; not instrumented');
      return;
    }
    this.unpatch(moduleExports);
    const ownSend = Object.prototype.hasOwnProperty.call(proto, 'send') ? proto.send : undefined;
    const inherited = (): SendFn => (Object.getPrototypeOf(proto) as ClientPrototype).send;
    const wrapped: WrappedSend = this.wrapSend(ownSend ? () => ownSend : inherited);
    const define = (value: unknown) =>
      Object.defineProperty(proto, 'send', { value, writable: true, configurable: true, enumerable: false });
    define(wrapped);
    Object.assign(wrapped, {
      __wrapped: true,
      __original: ownSend ?? inherited(),
      __unwrap: () => {
        if (proto.send !== wrapped) return;
        // Restore the prototype chain exactly: an inherited send must stay inherited.
        if (ownSend) define(ownSend);
        else delete (proto as Partial<ClientPrototype>).send;
      },
    });
  }

  protected override unpatch(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    const send = proto?.send as WrappedSend | undefined;
    if (proto && Object.prototype.hasOwnProperty.call(proto, 'send') && isWrapped(send) && typeof send!.__unwrap === 'function') {
      send!.__unwrap();
    }
  }

  private wrapSend(target: () => SendFn): SendFn {
    const instrumentation = this;
    return function send(this: object, ...args: unknown[]) {
      const original = target();
      const kind = commandKind(args[0]);
      if (!kind) return original.apply(this, args);
      const input = asObject((args[0] as { input?: unknown }).input) ?? {};
      const translation = instrumentation.safeRequest(() => translate(kind, input, clientEndpoints.get(this) ?? {}), 'the Bedrock request');
      const invocation = translation && instrumentation.startInvocation(translation.request);
      if (!translation || !invocation) return original.apply(this, args);

      const state: CallState = { invocation, client: this, context: invocation.context, restoreContext: false, headers: {} };
      state.context = invocation.context.setValue(CALL_STATE_KEY, state);
      const middlewareRuns = addMiddleware(this);
      state.restoreContext = middlewareRuns && instrumentation.getConfig().suppressAwsSdkSpans !== false && isWrapped(original);
      const runContext = state.restoreContext ? state.context.setValue(SUPPRESS_TRACING_KEY, true) : state.context;
      const results = translation.results(invocation.capturesContent);
      const onOutput = (output: unknown) => safely('recording a Bedrock response', () => recordOutput(output, invocation, results, state), undefined);
      const onError = (error: unknown) => invocation.fail(error, failure(error));

      // Callback forms: send(command, cb) and send(command, options, cb). We see the outcome first.
      const callbackIndex = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
      if (callbackIndex >= 0) {
        const callback = args[callbackIndex] as (...cbArgs: unknown[]) => unknown;
        args[callbackIndex] = function (this: unknown, ...cbArgs: unknown[]) {
          if (cbArgs[0]) onError(cbArgs[0]);
          else onOutput(cbArgs[1]);
          return callback.apply(this, cbArgs);
        };
      }

      let returned: unknown;
      try {
        returned = context.with(runContext, () => original.apply(this, args));
      } catch (error) {
        invocation.fail(error, failure(error));
        throw error;
      }
      if (callbackIndex < 0) {
        if (returned && typeof (returned as Promise<unknown>).then === 'function') {
          // A reaction on the very promise we return, registered before the caller's: the output (and
          // its stream) is observed before the caller sees it, and the caller keeps the same object.
          (returned as Promise<unknown>).then(onOutput, onError);
        } else {
          invocation.end({});
        }
      }
      return returned;
    };
  }
}
