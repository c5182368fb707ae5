/*
 * Auto-instrumentation for the Vercel AI SDK (`ai`). `ai` 7 publishes every call on its `ai:telemetry`
 * diagnostics channel (./telemetry-channel.ts): this instrumentation subscribes while enabled and patches
 * nothing, so it also records an app whose bundler inlined `ai` (Next.js). What each message records is
 * in ./recorder.ts. `ai` 5 and 6 publish nothing on a channel (they have no diagnostics_channel code):
 * their generateText / streamText / embed / embedMany exports are wrapped to record the model calls
 * (./model-wrapping.ts).
 */
import type { GenAIInstrumentationConfig, InstrumentedSdk } from '../../core';
import { GenAIInstrumentationBase } from '../../core';
import type { AgentSpanPolicy } from './agent-stages';
import { type AiSdkTelemetryPolicy, restoreAiSdkTelemetry } from './ai-sdk-telemetry';
import { TelemetryRecorder } from './recorder';
import { TelemetryChannelSubscription } from './telemetry-channel';
import { publishesTelemetry, unwrapExports, wrapExports } from './model-wrapping';

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
  declare private _subscribed: boolean | undefined;

  private get subscription(): TelemetryChannelSubscription {
    return (this._subscription ??= new TelemetryChannelSubscription(new TelemetryRecorder(
      this,
      () => this.getConfig().agentSpans ?? 'tools',
      () => this.getConfig().aiSdkTelemetry ?? 'suppress',
    )));
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
   * `ai` 7 needs no patch: a copy loaded (or given to manuallyInstrument) only means the channel is listened
   * to. `ai` 5 and 6: their call functions are wrapped (exports to use instead when read-only).
   */
  protected patch(moduleExports: unknown): unknown {
    this.subscribe();
    return publishesTelemetry(moduleExports) ? undefined : wrapExports(moduleExports, this, () => this._subscribed === true);
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
