/*
 * Tolerant readers of SDK objects and JSON bodies, shared by every provider's translation: a missing or
 * mistyped field reads as undefined (or an empty list), never throws.
 */
export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** The array itself (read-only use), or a dense copy when it has holes, which `map` would keep as holes. */
export const asArray = (v: unknown): unknown[] =>
  Array.isArray(v) ? (v.includes(undefined) ? Array.from(v) : v) : [];

export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** A list of strings (a lone string counts as a list of one; non-strings are dropped); undefined when none is left. */
export function asStrings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  const strings = asArray(v).filter((s): s is string => typeof s === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** The conventions' modality of a mime type (`image/png` → `image`); `fallback` for any other type. */
export function modalityOf(mimeType: string | undefined, fallback = 'document'): string {
  const top = mimeType?.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : fallback;
}
