/*
 * Where a loaded copy of an SDK keeps its exports. The module hook and manuallyInstrument hand over
 * CommonJS exports or an ES module namespace; a namespace holds the CommonJS exports (Node's view of a
 * CommonJS module) or the SDK's own ESM default export under `default`.
 */

type Exports = Record<PropertyKey, any>;

function asExports(value: unknown): Exports | undefined {
  return value && (typeof value === 'object' || typeof value === 'function') ? (value as Exports) : undefined;
}

/** The SDK's exports: an ES module namespace's default export, else the module itself. */
export function moduleExportsOf(moduleExports: unknown): Exports | undefined {
  const m = asExports(moduleExports);
  return m && m[Symbol.toStringTag] === 'Module' ? asExports(m.default) : m;
}

/** One named export of the SDK: on the module itself, or on its default export. */
export function sdkExport(moduleExports: unknown, name: string): unknown {
  const m = asExports(moduleExports);
  return m?.[name] ?? asExports(m?.default)?.[name];
}
