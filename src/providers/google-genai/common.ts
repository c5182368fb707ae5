/* Small readers shared by the @google/genai translations: tolerant of missing or mistyped fields. */
export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
/** The array itself, or an empty one for anything else. */
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** A list of strings (non-strings dropped); undefined when nothing is left. */
export function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  const strings = asArray(v).filter((s): s is string => typeof s === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** Modality from a mime type (`image/png` → `image`); anything else (pdf, text, json) is a `document`. */
export function modalityOf(mimeType: string | undefined): string {
  const top = mimeType?.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}
