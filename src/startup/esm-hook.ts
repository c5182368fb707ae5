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

/**
 * What the given instrumentations hook, as the loader hook's `include` list: each npm module name (e.g.
 * `openai`, matched against the import's bare specifier), and for a definition that patches files inside
 * its package (e.g. `@langchain/core/dist/callbacks/manager.js`) a pattern of that file's URL: the package
 * loads those files by relative imports, whose specifiers never name the package.
 */
export function hookedModuleNames(instrumentations: readonly Instrumentation[]): Array<string | RegExp> {
  const names = new Set<string>();
  const files = new Map<string, RegExp>();
  for (const instrumentation of instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => Array<{ name: string; files?: Array<{ name: string }> }> }).getModuleDefinitions?.();
    for (const definition of definitions ?? []) {
      names.add(definition.name);
      for (const file of definition.files ?? []) {
        if (!files.has(file.name)) files.set(file.name, new RegExp(`/node_modules/${escapeRegExp(file.name)}$`));
      }
    }
  }
  return [...names, ...files.values()];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Registers the loader hook for `moduleNames`; returns false (with a diag message) when it cannot. */
export function registerEsmHook(moduleNames: ReadonlyArray<string | RegExp>): boolean {
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
