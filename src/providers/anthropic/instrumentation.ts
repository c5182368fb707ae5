/*
 * Auto-instrumentation for `@anthropic-ai/sdk`. Patches `Messages.prototype.create` and
 * `Beta.Messages.prototype.create`, reached through the static aliases on the client class, so every client
 * instance, `withOptions()` copy and subclass (and the Bedrock/Vertex clients built on BaseAnthropic from the
 * same copy of the SDK) is covered, and the SDK helpers that send through `create` (messages.stream and
 * parse, beta.messages.stream, parse, toolRunner and threads) are recorded once per HTTP call. The
 * `stream` helpers are wrapped too, but only to apply the policy for the SDK's own spans (./sdk-telemetry).
 *
 * Supported versions: `>=0.50.1 <2`. 0.50.1 is the first release of the current ("v5") Stainless file
 * layout (`client.js`, `core/api-promise.js`, `core/streaming.js`; 0.42-0.49 were never published): an
 * APIPromise with `responsePromise`/`parseResponse`/`_thenUnwrap` and a Stream with an `iterator`
 * property, which is what ../stainless/api-promise.ts observes, and the `Anthropic.Messages` /
 * `Anthropic.Beta.Messages` statics. Verified on 0.137 (latest 0.x) and 1.14 (latest 1.x). The older "v4"
 * layout (<= 0.41) predates most of the Messages API features mapped here and is not tested.
 */
import { diag } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig } from '../../core';
import { GenAIInstrumentationBase, moduleExportsOf } from '../../core';
import { PACKAGE_VERSION } from '../../version';
import { type CreateMethod, wrapCreate } from '../stainless/create-wrapper';
import { endpointOf } from './endpoint';
import { messagesCall } from './messages';
import { type SdkTelemetryPolicy, runCreate, runStreamHelper, sdkRecordsContent, suppressesSdkSpans } from './sdk-telemetry';
import { ANTHROPIC_REQUEST_SIGNATURE } from './request-signature';

export const ANTHROPIC_SUPPORTED_VERSIONS = ['>=0.50.1 <2'];

export interface AnthropicInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * The spans @anthropic-ai/sdk (0.134 and later) emits itself for the calls this instrumentation records.
   * `suppress` (default): one GenAI span per call, ours (the SDK still propagates the trace context).
   * `keep`: the SDK's span too, as long as it records no content (a client whose SDK content mode is
   * `content` is suppressed anyway, so content only leaves through this package's capture and redaction).
   */
  sdkTelemetry?: SdkTelemetryPolicy;
}

type SdkMethod = (this: { _client?: unknown }, body: unknown, ...rest: unknown[]) => unknown;
type Patchable = Record<'create' | 'stream', SdkMethod | undefined>;

/** The resource prototypes to patch, found through the client class's static aliases. */
function patchTargets(moduleExports: unknown): Array<[Patchable | undefined, string]> {
  const unwrapped = moduleExportsOf(moduleExports);
  // The client class: `.Anthropic` of the CommonJS exports, or the ESM default export itself (whose own
  // static `Anthropic` is BaseAnthropic, which has no resources): the first candidate with `Messages`.
  const Anthropic = [unwrapped?.Anthropic, unwrapped].find(
    (c) => typeof (c as Record<string, unknown> | undefined)?.Messages === 'function',
  ) as Record<string, any> | undefined;
  const proto = (cls: unknown) => (typeof cls === 'function' ? (cls.prototype as Patchable) : undefined);
  return [
    [proto(Anthropic?.Messages), 'messages'],
    [proto(Anthropic?.Beta?.Messages), 'beta.messages'],
  ];
}

/** The SDK's APIError class, to rebuild the error of an SSE `error` event on a body observed raw. */
function apiErrorClass(moduleExports: unknown): (new (...args: unknown[]) => unknown) | undefined {
  const unwrapped = moduleExportsOf(moduleExports);
  const cls = unwrapped?.APIError ?? unwrapped?.Anthropic?.APIError;
  return typeof cls === 'function' ? cls : undefined;
}

export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  declare private _warnedSdkContent: boolean | undefined;

  constructor(config: AnthropicInstrumentationConfig = {}) {
    super('opentelemetry-instrumentation-genai/anthropic', PACKAGE_VERSION, config);
  }

  protected override init() {
    return [this.sdkModuleDefinition('@anthropic-ai/sdk', ANTHROPIC_SUPPORTED_VERSIONS)];
  }

  protected override requestSignature() {
    return ANTHROPIC_REQUEST_SIGNATURE;
  }

  protected override patch(moduleExports: unknown): void {
    const APIError = apiErrorClass(moduleExports);
    for (const [target, name] of patchTargets(moduleExports)) {
      if (!target || typeof target.create !== 'function') {
        this._diag.debug(`@anthropic-ai/sdk: ${name}.create not found in this version; not instrumented`);
        continue;
      }
      if (isWrapped(target.create)) this._unwrap(target, 'create');
      this._wrap(target, 'create', (original) =>
        wrapCreate(this, original as CreateMethod, {
          translate: (body, client) => messagesCall(body, endpointOf(client), APIError),
          run: (client, invoke) => runCreate(client, this.suppressSdkSpans(client), invoke),
        }),
      );
      if (typeof target.stream === 'function') {
        if (isWrapped(target.stream)) this._unwrap(target, 'stream');
        this._wrap(target, 'stream', (original) => this.wrapStreamHelper(original as SdkMethod));
      }
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    for (const [target] of patchTargets(moduleExports)) {
      if (target && isWrapped(target.create)) this._unwrap(target, 'create');
      if (target && isWrapped(target.stream)) this._unwrap(target, 'stream');
    }
  }

  /** Whether the SDK's own span is left out for a call of this client (see ./sdk-telemetry). */
  private suppressSdkSpans(client: unknown): boolean {
    const policy = this.getConfig().sdkTelemetry ?? 'suppress';
    const suppress = suppressesSdkSpans(policy, client);
    if (suppress && policy === 'keep' && !this._warnedSdkContent && sdkRecordsContent(client)) {
      this._warnedSdkContent = true;
      diag.warn(
        'opentelemetry-instrumentation-genai: sdkTelemetry "keep" is ignored for Anthropic clients whose own spans record ' +
          'content (openTelemetry.traces.contentMode "content"): their spans are suppressed for the calls this package records',
      );
    }
    return suppress;
  }

  private wrapStreamHelper(original: SdkMethod): SdkMethod {
    const instrumentation = this;
    return function patchedStream(this: { _client?: unknown }, ...args: unknown[]) {
      const client = this?._client;
      let suppress = true;
      try {
        suppress = instrumentation.suppressSdkSpans(client);
      } catch {
        // keep the default
      }
      return runStreamHelper(client, suppress, () => original.apply(this, args as [unknown, ...unknown[]]));
    };
  }
}
