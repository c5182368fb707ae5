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
import type { GenAIInstrumentationConfig } from '../../core';
import { type InstrumentedSdk, moduleExportsOf } from '../../core';
import { type CreateTarget, StainlessInstrumentation } from '../stainless/stainless-instrumentation';
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

/** The Messages resource classes, found through the client class's static aliases. */
function messagesClasses(moduleExports: unknown): Array<[unknown, string]> {
  const unwrapped = moduleExportsOf(moduleExports);
  // The client class: `.Anthropic` of the CommonJS exports, or the ESM default export itself (whose own
  // static `Anthropic` is BaseAnthropic, which has no resources): the first candidate with `Messages`.
  const Anthropic = [unwrapped?.Anthropic, unwrapped].find(
    (c) => typeof (c as Record<string, unknown> | undefined)?.Messages === 'function',
  ) as Record<string, any> | undefined;
  return [
    [Anthropic?.Messages, 'messages'],
    [Anthropic?.Beta?.Messages, 'beta.messages'],
  ];
}

/** The SDK's APIError class, to rebuild the error of an SSE `error` event on a body observed raw. */
function apiErrorClass(moduleExports: unknown): (new (...args: unknown[]) => unknown) | undefined {
  const unwrapped = moduleExportsOf(moduleExports);
  const cls = unwrapped?.APIError ?? unwrapped?.Anthropic?.APIError;
  return typeof cls === 'function' ? cls : undefined;
}

export class AnthropicInstrumentation extends StainlessInstrumentation<AnthropicInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'anthropic',
    module: '@anthropic-ai/sdk',
    supportedVersions: ANTHROPIC_SUPPORTED_VERSIONS,
    requestSignature: ANTHROPIC_REQUEST_SIGNATURE,
  };

  declare private _warnedSdkContent: boolean | undefined;

  protected override createTargets(moduleExports: unknown): CreateTarget[] {
    const APIError = apiErrorClass(moduleExports);
    return messagesClasses(moduleExports).map(([cls, label]) => ({
      resource: typeof cls === 'function' ? (cls.prototype as object) : undefined,
      label,
      recording: {
        translate: (body, client) => messagesCall(body, endpointOf(client), APIError),
        run: (client, invoke) => runCreate(client, this.suppressSdkSpans(client), invoke),
      },
    }));
  }

  /** Also the `stream` helpers, only to apply the policy for the SDK's own spans (./sdk-telemetry). */
  protected override patch(moduleExports: unknown): void {
    super.patch(moduleExports);
    for (const { resource, label } of this.createTargets(moduleExports)) {
      if (typeof (resource as { stream?: unknown } | undefined)?.stream === 'function') {
        this.wrapMethod(resource, 'stream', `${label}.stream`, (original: SdkMethod) => this.wrapStreamHelper(original));
      }
    }
  }

  protected override unpatch(moduleExports: unknown): void {
    super.unpatch(moduleExports);
    for (const { resource } of this.createTargets(moduleExports)) this.unwrapMethod(resource, 'stream');
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
