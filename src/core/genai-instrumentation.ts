/*
 * Base class of every provider instrumentation: holds the tracer, the metric instruments, the event
 * logger and the resolved content mode, and starts invocations. It also runs the patching lifecycle every
 * provider shares (the module hook, manuallyInstrument, re-patching on enable()/disable()): a provider
 * only says how to patch and unpatch one loaded copy of its SDK, and translates SDK shapes. While enabled,
 * it also watches for a copy of its SDK that was loaded but never patched (./unpatched-sdk.ts), from what
 * the provider declares its recorded calls look like on the wire (requestSignature).
 */
import * as api from '@opentelemetry/api';
import { logs as apiLogsGlobal } from '@opentelemetry/api-logs';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import { type CallTranslation, RecordedCall, type ResultTranslation } from './call-translation';
import type { GenAIInstrumentationConfig } from './config';
import { offerContentSettings } from './configured-content';
import { type CaptureMode, resolveCaptureMode } from './content-mode';
import { type ContentSafeguards, resolveContentSafeguards } from './content-safeguards';
import { resolveIdleTimeout } from './idle-timeout';
import { resolveTimePerOutputChunk } from './chunk-timing';
import { type GenAIInstruments, createGenAIInstruments } from './instruments';
import type { InstrumentedSdk } from './instrumented-sdk';
import { Invocation } from './invocation';
import type { InvocationRequest } from './model';
import { reportFailure, safely } from './safely';
import { type StageInstruments, StageRecorder, type StageTelemetry, createStageInstruments } from './stages';
import type { EventLogger, GenAITelemetry } from './telemetry';
import { unwatchUnpatchedCalls, watchUnpatchedCalls } from './unpatched-sdk';
import { markModuleInstrumented } from './instrumented-modules';
import { hasOurWrapperBelow, isOurWrapper, markOurWrapper, takeOffShared, wrapShared } from './wrapper-ownership';
import { PACKAGE_VERSION } from '../version';

export abstract class GenAIInstrumentationBase<Config extends GenAIInstrumentationConfig = GenAIInstrumentationConfig>
  extends InstrumentationBase<Config>
  implements GenAITelemetry, StageTelemetry
{
  // `declare`: these are set from the base constructor (via _updateMetricInstruments/setConfig) and a
  // field initializer would run after it and wipe them.
  declare private _genaiInstruments: GenAIInstruments | undefined;
  declare private _stageInstruments: StageInstruments | undefined;
  declare private _stages: StageRecorder | undefined;
  declare private _captureMode: CaptureMode | undefined;
  declare private _contentSafeguards: ContentSafeguards | undefined;
  declare private _idleTimeoutMs: number | undefined;
  declare private _timePerOutputChunk: boolean | undefined;
  declare private _explicitEventLogger: EventLogger | undefined;
  declare private _globalLoggerProvider: unknown;
  declare private _globalEventLogger: EventLogger | undefined;
  /** Copies of the SDK that enable()/disable() re-patch and unpatch themselves: manuallyInstrument's, and hooked ones kept by rememberEveryCopy. */
  declare private _rememberedModules: Set<unknown> | undefined;
  /** Set once a call of a patched copy went unrecorded by our own failure: from then on the watch could not tell. */
  declare private _unpatchedWatchStoodDown: boolean | undefined;
  /** Whether this instrumentation counts as enabled in ./instrumented-modules.ts. */
  declare private _markedInstrumented: boolean | undefined;

  /**
   * What the provider instruments. A static, not a field: the base constructor needs it (init() and
   * enable() run from InstrumentationBase's constructor, before any field of a subclass is set).
   */
  declare static readonly sdk: InstrumentedSdk;

  constructor(config: Config = {} as Config) {
    super(`opentelemetry-instrumentation-genai/${(new.target as unknown as { sdk: InstrumentedSdk }).sdk.name}`, PACKAGE_VERSION, config);
  }

  /**
   * Patches one loaded copy of the SDK (CommonJS exports or ESM namespace); may be called again on a copy it
   * patched. A copy whose exports cannot be changed in place (read-only getters of a bundled CommonJS build)
   * may instead return the exports to hand out in its place: the module hook returns them to every require.
   */
  protected abstract patch(moduleExports: unknown): unknown;

  /** Undoes patch() on one loaded copy of the SDK. */
  protected abstract unpatch(moduleExports: unknown): void;

  private get sdk(): InstrumentedSdk {
    return (this.constructor as unknown as { sdk: InstrumentedSdk }).sdk;
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return [this.sdkModuleDefinition(this.sdk)];
  }

  override enable(): void {
    super.enable();
    this.markInstrumented();
    for (const moduleExports of this._rememberedModules ?? []) this.patch(moduleExports);
    if (!this._unpatchedWatchStoodDown) watchUnpatchedCalls(this, safely('reading the request signature', () => this.sdk.requestSignature, undefined));
  }

  /**
   * Wraps `target[method]` (a copy patched before is re-wrapped, not wrapped twice). A target without the
   * method (an SDK version that lacks it) is skipped with a diag line naming `label`. Not `shared`:
   * OpenTelemetry's `_wrap`, which first takes off any wrapper the method has. `shared`: a method other
   * instrumentations wrap too (./wrapper-ownership.ts): ours goes over their wrapper without taking it off,
   * stays when ours is already under theirs, and only unwrapMethod takes it off; the provider's wrapper must
   * then call straight through while its copy is unpatched (ours can be left under theirs).
   */
  protected wrapMethod<T extends object>(target: T | undefined, method: string, label: string, wrapper: (original: never) => unknown, shared = false): void {
    const methods = target as Record<string, unknown> | undefined;
    if (!methods || typeof methods[method] !== 'function') {
      this._diag.debug(`${this.sdk.module}: ${label} not found in this version; not instrumented`);
      return;
    }
    if (shared) {
      if (!takeOffShared(methods, method) && hasOurWrapperBelow(methods[method])) return;
      wrapShared(methods, method, wrapper);
      return;
    }
    if (isWrapped(methods[method])) this._unwrap(methods, method);
    this._wrap(methods, method, wrapper as never);
    markOurWrapper(methods[method]);
  }

  /**
   * Undoes wrapMethod() (nothing to do on a target or method it never wrapped). Another instrumentation's
   * wrapper on top stays: ours under it cannot come off without taking theirs too (a diag line).
   */
  protected unwrapMethod<T extends object>(target: T | undefined, method: string): void {
    const methods = target as Record<string, unknown> | undefined;
    if (!methods || takeOffShared(methods, method)) return;
    if (isOurWrapper(methods[method]) && isWrapped(methods[method])) this._unwrap(methods, method);
    else if (hasOurWrapperBelow(methods[method])) this._diag.debug(`${this.sdk.module}: ${method} was wrapped by another instrumentation after this one; this one's wrapper stays under it`);
  }

  override disable(): void {
    super.disable();
    if (this._markedInstrumented) markModuleInstrumented(this.sdk.module, (this._markedInstrumented = false));
    for (const moduleExports of this._rememberedModules ?? []) this.unpatch(moduleExports);
    unwatchUnpatchedCalls(this);
  }

  /** A call of a patched copy goes on unrecorded (our failure, reported through diag): it must not be taken for an unpatched copy. */
  private standDownUnpatchedWatch(): void {
    this._unpatchedWatchStoodDown = true;
    unwatchUnpatchedCalls(this);
  }

  /** The module hook for the SDK package: patches each copy as it loads, unpatches it when disabled. */
  private sdkModuleDefinition(sdk: InstrumentedSdk): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      sdk.module,
      sdk.supportedVersions,
      (moduleExports, version) => {
        this._diag.debug(`patching ${sdk.module}@${version}`);
        if (sdk.rememberEveryCopy) this.remember(moduleExports);
        this.markInstrumented();
        return this.patch(moduleExports) ?? moduleExports;
      },
      (moduleExports) => {
        if (moduleExports) this.unpatch(moduleExports);
      },
    );
  }

  /**
   * For bundled apps, where no module hook sees the SDK load: pass the imported module (or its
   * namespace) to patch it directly. Returns the module to call: `sdkModule` itself, patched in place,
   * except for an SDK copy whose exports are read-only (`ai` 5 and 6's CommonJS build), where it returns
   * instrumented exports to use instead.
   */
  manuallyInstrument(sdkModule: unknown): unknown {
    this.remember(sdkModule);
    this.markInstrumented();
    return this.patch(sdkModule) ?? sdkModule;
  }

  /** Counts this instrumentation as recording its SDK's calls (./instrumented-modules.ts) until disable(). */
  private markInstrumented(): void {
    if (!this._markedInstrumented) markModuleInstrumented(this.sdk.module, (this._markedInstrumented = true));
  }

  private remember(moduleExports: unknown): void {
    (this._rememberedModules ??= new Set()).add(moduleExports);
  }

  /**
   * Runs one SDK call and records it. `translate` reads the call (if it throws, the call runs unrecorded,
   * with a diag error); `invoke` makes the SDK call as the app made it: with a RecordedCall, in the
   * invocation's context, or without one when the call is not recorded. A synchronous throw is recorded
   * and reaches the app unchanged; anything returned goes to `observe` (the provider family's observer
   * of its SDK's return values), and what `observe` returns is what the app gets.
   */
  recordCall<Results extends ResultTranslation>(
    translate: () => CallTranslation<Results>,
    invoke: (call?: RecordedCall<Results>) => unknown,
    observe: (returned: unknown, call: RecordedCall<Results>) => unknown,
  ): unknown {
    const translation = this.safeTranslate(translate);
    const invocation = translation && this.startInvocation(translation.request);
    if (!invocation) return invoke();
    // The invocation's own mode: GenAI context metadata may override the instrumentation's, and a
    // sampled-out span needs no span content.
    let results: Results | undefined;
    try {
      results = translation.results(invocation.capturesContent);
    } catch (error) {
      reportFailure('reading the result translation', error);
    }
    if (!results) {
      invocation.end({});
      this.standDownUnpatchedWatch();
      return invoke();
    }
    const call = new RecordedCall(invocation, results);
    let returned: unknown;
    try {
      // `invoke(call)` without a closure of our own: context.with passes the arguments on.
      returned = api.context.with(invocation.context, invoke, undefined, call);
    } catch (error) {
      // Synchronous validation errors from the SDK reach the caller unchanged.
      call.fail(error);
      throw error;
    }
    return observe(returned, call);
  }

  /** Translates a call from the SDK's arguments; undefined (and a diag error) if that throws. */
  private safeTranslate<T>(translate: () => T): T | undefined {
    try {
      return translate();
    } catch (err) {
      this._diag.error('could not read the request; this call is not traced', err);
      this.standDownUnpatchedWatch();
      return undefined;
    }
  }

  protected override _updateMetricInstruments(): void {
    this._genaiInstruments = createGenAIInstruments(this.meter);
    this._stageInstruments = createStageInstruments(this.meter);
  }

  override setConfig(config: Config = {} as Config): void {
    super.setConfig(config);
    this._captureMode = undefined;
    this._contentSafeguards = undefined;
    this._idleTimeoutMs = undefined;
    this._timePerOutputChunk = undefined;
    offerContentSettings(this);
  }

  override setLoggerProvider(loggerProvider: LoggerProvider): void {
    super.setLoggerProvider(loggerProvider);
    // registerInstrumentations passes the Logs API's global *proxy* when the app gave no provider, and
    // NodeSDK calls it before registering its LoggerProvider. That proxy only learns of a provider
    // registered through the same copy of the Logs API, and npm often installs several copies of
    // @opentelemetry/api-logs (the 2.x packages pin exact versions): NodeSDK 0.2xx then registers through
    // its copy and every event went to a proxy that never delegated. A proxy therefore means "the
    // global", looked up when an event is emitted.
    this._explicitEventLogger = isProxyLoggerProvider(loggerProvider)
      ? undefined
      : (this.logger as unknown as EventLogger);
  }

  override get tracer(): api.Tracer {
    return super.tracer;
  }

  get instruments(): GenAIInstruments {
    return (this._genaiInstruments ??= createGenAIInstruments(this.meter));
  }

  get stageInstruments(): StageInstruments {
    return (this._stageInstruments ??= createStageInstruments(this.meter));
  }

  get contextAttributesOnMetrics(): boolean {
    return this.getConfig().contextAttributesOnMetrics !== false;
  }

  /**
   * traceTool / traceRetrieval / traceAgent / traceWorkflow recording through this instrumentation's
   * providers and content capture mode.
   */
  get stages(): StageRecorder {
    return (this._stages ??= new StageRecorder(this));
  }

  get contentSafeguards(): ContentSafeguards {
    return (this._contentSafeguards ??= resolveContentSafeguards(this.getConfig()));
  }

  get idleTimeoutMs(): number {
    return (this._idleTimeoutMs ??= resolveIdleTimeout(this.getConfig().idleTimeout));
  }

  get recordsTimePerOutputChunk(): boolean {
    return (this._timePerOutputChunk ??= resolveTimePerOutputChunk(this.getConfig().timePerOutputChunk));
  }

  get captureMode(): CaptureMode {
    return (this._captureMode ??= resolveCaptureMode(this.getConfig().captureMessageContent));
  }

  /**
   * The logger for GenAI events. A provider passed through setLoggerProvider (NodeSDK and
   * registerInstrumentations do this) wins; otherwise the global one: from @opentelemetry/api >= 1.10,
   * which carries the Logs API on the OpenTelemetry JS 3.x line, or from @opentelemetry/api-logs on 2.x.
   */
  get eventLogger(): EventLogger {
    if (this._explicitEventLogger) return this._explicitEventLogger;
    // The global provider is read from the process-wide registry (shared by every copy of the API) each
    // time, so one registered after the first event, or through another copy of the API, is still found.
    const provider = globalLoggerProvider();
    if (provider !== this._globalLoggerProvider || !this._globalEventLogger) {
      this._globalLoggerProvider = provider;
      this._globalEventLogger = provider.getLogger(this.instrumentationName, this.instrumentationVersion);
    }
    return this._globalEventLogger;
  }

  /** Starts recording a call; undefined (and a diag message) if that fails, so the call goes on untraced. */
  startInvocation(request: InvocationRequest): Invocation | undefined {
    try {
      return new Invocation(this, request);
    } catch (error) {
      reportFailure('starting a GenAI span', error);
      this.standDownUnpatchedWatch();
      return undefined;
    }
  }
}

interface GlobalLoggerProvider {
  getLogger(name: string, version?: string): EventLogger;
}

/** The global logger provider: @opentelemetry/api's own Logs API (>= 1.10, the 3.x line), else api-logs. */
function globalLoggerProvider(): GlobalLoggerProvider {
  const apiLogs = (api as unknown as { logs?: { getLoggerProvider(): GlobalLoggerProvider } }).logs;
  return apiLogs ? apiLogs.getLoggerProvider() : (apiLogsGlobal.getLoggerProvider() as unknown as GlobalLoggerProvider);
}

/** The Logs API's ProxyLoggerProvider (api-logs, or @opentelemetry/api >= 1.10), from any copy. */
function isProxyLoggerProvider(provider: unknown): boolean {
  return typeof (provider as { _getDelegateLogger?: unknown } | undefined)?._getDelegateLogger === 'function';
}
