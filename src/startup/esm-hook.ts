/*
 * The ESM half of the zero-code start: import-in-the-middle's loader hook, registered with
 * `module.register` so that `import OpenAI from 'openai'` in an ES module app is patched too. Without it
 * an ESM app silently gets no telemetry (the CommonJS hook never sees an ES import).
 *
 * The hook is limited to the modules our instrumentations patch (`include`): hooking every module costs
 * start-up time and breaks some packages (openai 4.x's shims throw under a hook-everything loader).
 * It is resolved from this package's own `@opentelemetry/instrumentation`, so the loader and the
 * instrumentations share one copy of import-in-the-middle even when the app has another.
 */
import { diag } from '@opentelemetry/api';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** The npm module names the given instrumentations hook (e.g. `openai`). */
export function hookedModuleNames(instrumentations: readonly Instrumentation[]): string[] {
  const names = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => { name: string }[] }).getModuleDefinitions?.();
    for (const definition of definitions ?? []) names.add(definition.name);
  }
  return [...names];
}

/** Registers the loader hook for `moduleNames`; returns false (with a diag message) when it cannot. */
export function registerEsmHook(moduleNames: readonly string[]): boolean {
  if (typeof nodeModule.register !== 'function') {
    diag.warn('opentelemetry-instrumentation-genai/register: this Node.js has no module.register; ES module imports of LLM SDKs will not be instrumented.');
    return false;
  }
  try {
    const hookPath = require.resolve('@opentelemetry/instrumentation/hook.mjs');
    nodeModule.register(pathToFileURL(hookPath), { data: { include: [...moduleNames] } });
    diag.debug(`opentelemetry-instrumentation-genai/register: ESM loader hook registered for ${moduleNames.join(', ')}`);
    return true;
  } catch (error) {
    diag.warn('opentelemetry-instrumentation-genai/register: could not register the ESM loader hook; ES module imports of LLM SDKs will not be instrumented.', error);
    return false;
  }
}
