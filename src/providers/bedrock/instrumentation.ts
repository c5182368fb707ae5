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
 * A small middleware, added once per client on its first instrumented call (./middleware.ts), complements
 * the seam: it reads the request the SDK really sends (its resolved endpoint) and the response headers.
 * A client's first call takes its endpoint from what the client was constructed with (./client-config.ts),
 * so that its span starts with `server.address` / `server.port` too.
 *
 * `@opentelemetry/instrumentation-aws-sdk` (auto-instrumentations-node) also records these four commands
 * with GenAI attributes (older conventions: `gen_ai.system`, no content) and GenAI metrics. When it (or any
 * other wrapper of Smithy's `Client.prototype.send`) is active, we run the inherited `send` with tracing
 * suppressed, so its span is non-recording and it records no GenAI metrics for the call, and our middleware
 * restores our context before the HTTP handler, so transport spans still nest under our span. Set
 * `suppressAwsSdkSpans: false` to keep its span (it then nests under ours).
 */
import { context } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig, InstrumentedSdk, RecordedCall } from '../../core';
import { withTracingSuppressed } from '../../core/foreign-spans';
import { GenAIInstrumentationBase } from '../../core/genai-instrumentation';
import { sdkExport } from '../../core/module-exports';
import { asObject } from '../../core/readers';
import { safely } from '../../core/safely';
import { tapSettlement } from '../../core/settlement';
import { recordOutput } from './command-output';
import { commandKind, translate } from './commands';
import { endpointAtStart, recordConstruction, stopRecordingConstruction } from './client-config';
import { addMiddleware, type CallState, knownEndpoint, withCallState } from './middleware';
import type { BedrockResultTranslation } from './operation';
import { BEDROCK_RUNTIME_REQUEST_SIGNATURE } from './request-signature';

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

type SendFn = (this: object, ...args: unknown[]) => unknown;
interface ClientPrototype {
  send: SendFn;
}
type WrappedSend = SendFn & { __wrapped?: boolean; __original?: SendFn; __unwrap?: () => void };

/** `BedrockRuntimeClient.prototype` of a module's exports (or its ESM namespace). */
function clientPrototype(moduleExports: unknown): ClientPrototype | undefined {
  const Client = sdkExport(moduleExports, 'BedrockRuntimeClient');
  return typeof Client === 'function' ? (Client.prototype as ClientPrototype) : undefined;
}

export class BedrockRuntimeInstrumentation extends GenAIInstrumentationBase<BedrockRuntimeInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'bedrock-runtime',
    module: '@aws-sdk/client-bedrock-runtime',
    supportedVersions: BEDROCK_RUNTIME_SUPPORTED_VERSIONS,
    requestSignature: BEDROCK_RUNTIME_REQUEST_SIGNATURE,
  };

  protected override patch(moduleExports: unknown): void {
    const proto = clientPrototype(moduleExports);
    if (!proto || typeof proto.send !== 'function') {
      this._diag.debug('@aws-sdk/client-bedrock-runtime: BedrockRuntimeClient.prototype.send not found; not instrumented');
      return;
    }
    this.unpatch(moduleExports);
    recordConstruction(proto.constructor);
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
    if (proto) stopRecordingConstruction(proto.constructor);
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
      const client = this;
      // Callback forms: send(command, cb) and send(command, options, cb).
      const callbackIndex = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
      let state: CallState | undefined;
      const onOutput = (output: unknown, call: RecordedCall<BedrockResultTranslation>) =>
        safely('recording a Bedrock response', () => recordOutput(output, call, state?.headers ?? {}), undefined);
      return instrumentation.recordCall(
        () => translate(kind, asObject((args[0] as { input?: unknown }).input) ?? {}, knownEndpoint(client) ?? endpointAtStart(client) ?? {}),
        (call) => {
          if (!call) return original.apply(client, args);
          const { invocation } = call;
          const callState: CallState = { invocation, client, context: invocation.context, restoreContext: false, headers: {} };
          state = callState;
          callState.context = withCallState(invocation.context, callState);
          const middlewareRuns = addMiddleware(client);
          callState.restoreContext = middlewareRuns && instrumentation.getConfig().suppressAwsSdkSpans !== false && isWrapped(original);
          const runContext = callState.restoreContext ? withTracingSuppressed(callState.context) : callState.context;
          if (callbackIndex >= 0) {
            // We see the outcome first.
            const callback = args[callbackIndex] as (...cbArgs: unknown[]) => unknown;
            args[callbackIndex] = function (this: unknown, ...cbArgs: unknown[]) {
              if (cbArgs[0]) call.fail(cbArgs[0]);
              else onOutput(cbArgs[1], call);
              return callback.apply(this, cbArgs);
            };
          }
          return context.with(runContext, () => original.apply(client, args));
        },
        (returned, call) => {
          if (callbackIndex >= 0) return returned;
          // The caller gets a promise that settles as the SDK's does, after the output (and its stream)
          // was observed; a failure it never awaits stays an unhandled rejection (see tapSettlement).
          if (returned instanceof Promise) return tapSettlement(returned, (output) => onOutput(output, call), (error) => call.fail(error));
          call.invocation.end({});
          return returned;
        },
      );
    };
  }
}
