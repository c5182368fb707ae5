/*
 * Auto-instrumentation for the Vercel AI SDK (`ai`). `ai` 7 publishes its calls on its `ai:telemetry`
 * diagnostics channel (./telemetry-channel.ts): this instrumentation subscribes while enabled, so it also
 * records an app whose bundler inlined `ai` (Next.js). What each message records is in ./recorder.ts.
 * `ai` 5 and 6 publish nothing on a channel (they have no diagnostics_channel code), and `ai` 7's
 * generateObject / streamObject publish nothing on it: those exports (and 5 and 6's agent classes) are
 * wrapped (./model-wrapping.ts), recording the same spans.
 */
import type { GenAIInstrumentationConfig, InstrumentedSdk } from '../../core';
import { GenAIInstrumentationBase } from '../../core';
import type { AgentSpanPolicy } from './agent-stages';
import { type AiSdkTelemetryPolicy, applyAiSdkTelemetryPolicy, restoreAiSdkTelemetry } from './ai-sdk-telemetry';
import type { WrappingEnv } from './call-scope';
import { unwrapExports, wrapExports } from './model-wrapping';
import { TelemetryRecorder } from './recorder';
import { TelemetryChannelSubscription } from './telemetry-channel';

export const VERCEL_AI_SUPPORTED_VERSIONS = ['>=5.0.0 <8'];

export interface VercelAIInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * When a generateText / streamText call (or an agent's) gets an `invoke_agent` span over its steps:
   * `tools` (default) when it has tools, i.e. may run a tool loop; `always`; `never` (the chat and
   * execute_tool spans are then children of the app's span).
   */
  agentSpans?: AgentSpanPolicy;
  /**
   * The spans of the AI SDK's own OpenTelemetry integration (`@ai-sdk/otel`) registered globally:
   * `suppress` (default) keeps them out of the trace, so each model call has one GenAI span (ours);
   * `keep` records both. See ./ai-sdk-telemetry.ts.
   */
  aiSdkTelemetry?: AiSdkTelemetryPolicy;
}

export class VercelAIInstrumentation extends GenAIInstrumentationBase<VercelAIInstrumentationConfig> {
  static override readonly sdk: InstrumentedSdk = {
    name: 'vercel-ai',
    module: 'ai',
    supportedVersions: VERCEL_AI_SUPPORTED_VERSIONS,
  };

  // `declare`: enable() runs from the base constructor, before field initializers.
  declare private _subscription: TelemetryChannelSubscription | undefined;
  declare private _recorder: TelemetryRecorder | undefined;
  declare private _subscribed: boolean | undefined;
  declare private _wrapping: WrappingEnv | undefined;

  private get subscription(): TelemetryChannelSubscription {
    return (this._subscription ??= new TelemetryChannelSubscription(this.recorder));
  }

  private get recorder(): TelemetryRecorder {
    return (this._recorder ??= new TelemetryRecorder(
      this,
      () => this.getConfig().agentSpans ?? 'tools',
      () => this.getConfig().aiSdkTelemetry ?? 'suppress',
    ));
  }

  /**
   * @internal How many generateText / streamText calls of `ai` 7's channel are held until they end or are
   * abandoned (tests and diagnostics).
   */
  heldChannelCalls(): number {
    return this._recorder?.heldCalls() ?? 0;
  }

  private get wrapping(): WrappingEnv {
    return (this._wrapping ??= {
      instrumentation: this,
      recording: () => this._subscribed === true,
      agentSpans: () => this.getConfig().agentSpans ?? 'tools',
      onChannelCopyCall: () => applyAiSdkTelemetryPolicy(this.getConfig().aiSdkTelemetry ?? 'suppress'),
      channelMessage: () => this._subscription?.innermostMessage(),
    });
  }

  override enable(): void {
    super.enable();
    this.subscribe();
  }

  override disable(): void {
    super.disable();
    if (this._subscribed) this.subscription.unsubscribe();
    this._subscribed = false;
    restoreAiSdkTelemetry();
  }

  /**
   * A copy loaded (or given to manuallyInstrument): the channel is listened to, and the calls it does not
   * publish are wrapped (exports to use instead when read-only).
   */
  protected patch(moduleExports: unknown): unknown {
    this.subscribe();
    return wrapExports(moduleExports, this.wrapping);
  }

  protected unpatch(moduleExports: unknown): void {
    // The channel is left by disable(): other copies of `ai` may still be loaded.
    unwrapExports(moduleExports);
  }

  private subscribe(): void {
    if (this._subscribed) return;
    this._subscribed = true;
    this.subscription.subscribe();
  }
}
