/*
 * JSON serialization that never throws: circular references become "[Circular]", bigints become
 * strings, and functions/symbols are dropped, so content from any app object stays valid JSON.
 * An object that merely appears twice (e.g. one JSON schema shared by two tools) is not a cycle and is
 * serialized both times: only an object that contains itself, directly or through its descendants, is.
 */
export function safeJsonStringify(value: unknown): string {
  // Fast path: plain data (the usual case) serializes the same with or without the replacer below.
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // A cycle, a bigint or a throwing toJSON: take the careful path.
  }
  // The objects on the path from the root to the value being serialized.
  const ancestors: unknown[] = [];
  try {
    return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
      if (typeof v === 'bigint') return v.toString();
      if (v !== null && typeof v === 'object') {
        // `this` is the object holding v: leave the branches that are already finished.
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
        if (ancestors.includes(v)) return '[Circular]';
        ancestors.push(v);
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
