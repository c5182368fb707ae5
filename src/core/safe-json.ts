/*
 * JSON serialization that never throws: circular references become "[Circular]", bigints become
 * strings, and functions/symbols are dropped, so content from any app object stays valid JSON.
 */
export function safeJsonStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    }) ?? 'null';
  } catch {
    // A throwing toJSON or getter: keep the output valid JSON.
    return 'null';
  }
}

/** Parses a JSON string if it is one (tool arguments arrive as strings); otherwise returns it as is. */
export function parseJsonIfPossible(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
