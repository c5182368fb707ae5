/*
 * Which SDK packages have an enabled instrumentation of this package, by npm name. A framework
 * integration (LangChain) asks it whether the SDK under one of its model classes records its own call:
 * then the framework records no second span for that call.
 */
const enabled = new Map<string, number>();

/** An instrumentation of `module` was enabled (`on`) or disabled. */
export function markModuleInstrumented(module: string, on: boolean): void {
  const count = (enabled.get(module) ?? 0) + (on ? 1 : -1);
  if (count > 0) enabled.set(module, count);
  else enabled.delete(module);
}

/** Whether an enabled instrumentation of this package records calls of `module`. */
export function isModuleInstrumented(module: string): boolean {
  return enabled.has(module);
}
