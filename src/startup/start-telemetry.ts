/*
 * The zero-code start behind `opentelemetry-instrumentation-genai/register`: a NodeSDK configured only by
 * the standard `OTEL_*` variables (exporters, endpoint, headers, protocol, service name, resource,
 * sampler, `OTEL_SDK_DISABLED`, `OTEL_LOG_LEVEL`) plus this package's own `OTEL_INSTRUMENTATION_GENAI_*`
 * variables, with every GenAI instrumentation of this package.
 *
 * `@opentelemetry/sdk-node` is an optional peer dependency, taken from the app: the 2.x line (0.2xx) and
 * the 3.x line (0.3xx) need different `@opentelemetry/api` versions, so this package cannot pick one.
 */
import { DiagConsoleLogger, diag, trace, ProxyTracerProvider } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { getGenAIInstrumentations } from '../index';
import { spoolingExport } from './durable-pipeline';
import { registerEsmHook, hookedModuleNames } from './esm-hook';
import { flushOnExit, type Shutdownable } from './flush-on-exit';
import { diagLogLevelFromEnv, resolveShutdownTimeout } from './startup-config';

const PREFIX = 'opentelemetry-instrumentation-genai/register';

export type StartOutcome = 'disabled' | 'started' | 'joined-existing-provider' | 'no-sdk';

interface NodeSdkModule {
  NodeSDK: new (config: { instrumentations: Instrumentation[]; spanProcessors?: unknown[]; logRecordProcessors?: unknown[] }) => Shutdownable & {
    start(): void;
  };
}

export function startGenAITelemetry(env: NodeJS.ProcessEnv = process.env): StartOutcome {
  if (/^true$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return 'disabled';

  const instrumentations = getGenAIInstrumentations();

  if (tracerProviderRegistered()) {
    // Someone (the app's own preload, another vendor's agent) already registered a tracer provider:
    // replacing it would break their set-up, so the instrumentations join it instead. No NodeSDK is
    // made here, so OTEL_LOG_LEVEL is honoured here (as NodeSDK would).
    const logLevel = diagLogLevelFromEnv(env);
    if (logLevel !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel });
    registerInstrumentations({ instrumentations });
    registerEsmHook(hookedModuleNames(instrumentations));
    diag.info(`${PREFIX}: a tracer provider is already registered; added the GenAI instrumentations to it instead of starting a NodeSDK.`);
    return 'joined-existing-provider';
  }

  const sdkModule = loadNodeSdk();
  if (!sdkModule) return 'no-sdk';

  const shutdownTimeout = resolveShutdownTimeout(env);
  // Traces and logs go through the durable spool unless it is turned off (or cannot serve the configured
  // exporters: then NodeSDK builds them from OTEL_* as usual).
  const durable = spoolingExport(env, shutdownTimeout);
  const sdk = new sdkModule.NodeSDK({ instrumentations, ...durable?.processors });
  // The constructor has set up diag from OTEL_LOG_LEVEL; everything after this can be seen there.
  registerEsmHook(hookedModuleNames(instrumentations));
  sdk.start();
  flushOnExit(sdk, { timeoutMillis: shutdownTimeout, durableExport: durable?.export });
  diag.debug(`${PREFIX}: NodeSDK started with ${instrumentations.map((i) => i.instrumentationName).join(', ')}`);
  return 'started';
}

/**
 * The API's global tracer provider is always a ProxyTracerProvider; a registered SDK provider is its
 * delegate. With none registered, the delegate is the API's no-op provider (a singleton, the same one a
 * fresh proxy hands out).
 */
function tracerProviderRegistered(): boolean {
  const global = trace.getTracerProvider();
  if (!(global instanceof ProxyTracerProvider)) return true;
  return global.getDelegate() !== new ProxyTracerProvider().getDelegate();
}

function loadNodeSdk(): NodeSdkModule | undefined {
  try {
    return require('@opentelemetry/sdk-node') as NodeSdkModule;
  } catch (error) {
    // The one message printed without OTEL_LOG_LEVEL: without the SDK nothing is recorded at all, and
    // a silent no-op is the failure users complain about most. A Node warning can be silenced with
    // --no-warnings.
    process.emitWarning(
      `${PREFIX} needs @opentelemetry/sdk-node; install it next to this package (npm install @opentelemetry/sdk-node). No telemetry is recorded. (${(error as Error).message.split('\n')[0]})`,
      { code: 'OTEL_GENAI_NO_SDK' },
    );
    return undefined;
  }
}
