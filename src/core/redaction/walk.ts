/*
 * Copies a JSON-like value, passing every string value (never an object key) through `visit`, and
 * integers long enough to be card numbers through `visitNumber`. The input is never mutated. Mirrors
 * what JSON serialization would keep: toJSON is honoured, functions and symbols are left out (null in
 * arrays), bigints become strings; in addition a cycle becomes "[Circular]" where it closes and anything
 * deeper than MAX_DEPTH becomes "[Truncated]", so the output always serializes. An object that merely
 * appears twice is copied twice.
 */
export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';
export const MAX_DEPTH = 64;

export type Visit = (value: string) => string;

/** Integers from 13 digits up may be card numbers written as JSON numbers. */
const MIN_CARD_LIKE = 1e12;

/**
 * `visitNumber` sees long integers (as strings: a card number is a string of digits to the detectors);
 * the number stays a number unless it returns something else.
 */
export function walkJson(value: unknown, visit: Visit, visitNumber: Visit = (s) => s): unknown {
  return walk(value, visit, visitNumber, 0, []);
}

function walk(value: unknown, visit: Visit, visitNumber: Visit, depth: number, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'string':
      return visit(value);
    case 'number': {
      if (!(value >= MIN_CARD_LIKE || value <= -MIN_CARD_LIKE) || !Number.isInteger(value)) return value;
      const text = String(value);
      const out = visitNumber(text);
      return out === text ? value : out;
    }
    case 'boolean':
      return value;
    case 'bigint':
      return visit(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as Record<string, unknown>;
  if (ancestors.includes(obj)) return CIRCULAR;
  if (depth >= MAX_DEPTH) return TRUNCATED;
  if (typeof obj.toJSON === 'function') {
    let json: unknown;
    try {
      json = obj.toJSON();
    } catch {
      return null;
    }
    if (json !== obj) {
      ancestors.push(obj);
      try {
        return walk(json, visit, visitNumber, depth + 1, ancestors);
      } finally {
        ancestors.pop();
      }
    }
  }
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) {
      const out = new Array<unknown>(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const item = walk(obj[i], visit, visitNumber, depth + 1, ancestors);
        out[i] = item === undefined ? null : item;
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      let item: unknown;
      try {
        item = obj[key];
      } catch {
        continue; // a throwing getter: leave the property out
      }
      const copy = walk(item, visit, visitNumber, depth + 1, ancestors);
      if (copy === undefined) continue;
      if (key === '__proto__') {
        Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = copy;
      }
    }
    return out;
  } finally {
    ancestors.pop();
  }
}
