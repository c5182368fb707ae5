/*
 * Inline binary in captured content: `blob` parts' base64 `content`, and data: URLs in any string (a uri
 * part's `uri`, text, tool arguments and results). Unless the user opts in, each is replaced by a short
 * placeholder that keeps its media type and decoded size:
 *
 *   blob content           → `[BINARY image/png 12345 bytes omitted]`
 *   data: URL (a string)   → `[DATA-URL image/png 2048 bytes omitted]`
 *
 * A blob part keeps its `type`, `modality` and `mime_type`, and its `content` stays a string, so the
 * part keeps the conventions' shape. A data: URL inside a longer string (e.g. text quoting one) is
 * replaced where it stands when it is base64-encoded (the only kind whose end can be told reliably).
 */
import { safeJsonStringify } from '../safe-json';

export function binaryPlaceholder(mediaType: string, bytes: number): string {
  return `[BINARY ${mediaType} ${bytes} bytes omitted]`;
}

export function dataUrlPlaceholder(mediaType: string, bytes: number): string {
  return `[DATA-URL ${mediaType} ${bytes} bytes omitted]`;
}

/** Matches the placeholders above (as a whole string). */
export const INLINE_BINARY_PLACEHOLDER = /^\[(?:BINARY|DATA-URL) \S* \d+ bytes omitted\]$/;

const TOKEN = "[a-z0-9!#$&^_.+'*~-]+";
/** `data:[type/subtype][;param[=value]]*,` at the start of a string. */
const DATA_URL_HEAD = new RegExp(`^data:(${TOKEN}/${TOKEN})?((?:;${TOKEN}(?:=[a-z0-9!#$&^_.+'*~%-]*)?)*),`, 'i');
/** A base64 data: URL anywhere in a string. */
const EMBEDDED_BASE64_DATA_URL = new RegExp(
  `data:(${TOKEN}/${TOKEN})?(?:;${TOKEN}(?:=[a-z0-9!#$&^_.+'*~%-]*)?)*;base64,[a-z0-9+/]*={0,2}`,
  'gi',
);
/** Cheap pre-check on JSON text: could it hold a blob part or a data: URL? (One regex: the fastest way.) */
const MAYBE_INLINE_BINARY = /"blob"|data:[a-z0-9!#$&^_.+'*~%\/;=-]*,/i;

const MAX_MEDIA_TYPE_CHARS = 100;

/** Whether JSON text may contain inline binary (false positives are fine: the caller then looks closer). */
export function mayContainInlineBinary(json: string): boolean {
  return MAYBE_INLINE_BINARY.test(json);
}

const isWhitespace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;

/** Decoded size of base64 text: 3 bytes per 4 characters, ignoring whitespace and `=` padding. */
export function base64DecodedBytes(s: string): number {
  let whitespace = 0;
  if (/\s/.test(s)) {
    for (let i = 0; i < s.length; i++) if (isWhitespace(s.charCodeAt(i))) whitespace++;
  }
  let padding = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) padding++;
    else if (!isWhitespace(c)) break;
  }
  return Math.floor(((s.length - whitespace - padding) * 3) / 4);
}

/** Bytes of the percent-encoded payload of a non-base64 data: URL. */
function percentDecodedBytes(s: string): number {
  const escapes = s.match(/%[0-9a-f]{2}/gi)?.length ?? 0;
  return Buffer.byteLength(s, 'utf8') - 2 * escapes;
}

/** A string that is a data: URL as a whole → its media type (RFC 2397 default `text/plain`) and decoded size. */
export function dataUrlSize(s: string): { mediaType: string; bytes: number } | undefined {
  if (s.length < 6 || !/^data:/i.test(s)) return undefined;
  const head = DATA_URL_HEAD.exec(s.slice(0, 1024));
  if (!head) return undefined;
  const payload = s.slice(head[0].length);
  const isBase64 = /;base64$/i.test(head[2] ?? '');
  return {
    mediaType: mediaTypeOf(head[1]) ?? 'text/plain',
    bytes: isBase64 ? base64DecodedBytes(payload) : percentDecodedBytes(payload),
  };
}

function mediaTypeOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const clean = value.replace(/[\s\]]/g, '');
  return clean === '' ? undefined : clean.slice(0, MAX_MEDIA_TYPE_CHARS);
}

/** A string with its data: URLs replaced by placeholders, and how many there were. */
export function replaceDataUrls(s: string): { value: string; count: number } {
  if (!/data:/i.test(s)) return { value: s, count: 0 };
  const whole = dataUrlSize(s);
  if (whole) return { value: dataUrlPlaceholder(whole.mediaType, whole.bytes), count: 1 };
  let count = 0;
  const value = s.replace(EMBEDDED_BASE64_DATA_URL, (match: string, mediaType: string | undefined) => {
    count++;
    const payload = match.slice(match.indexOf(',') + 1);
    return dataUrlPlaceholder(mediaTypeOf(mediaType) ?? 'text/plain', base64DecodedBytes(payload));
  });
  return { value, count };
}

function blobPlaceholder(part: Record<string, unknown>, content: string): string {
  const asUrl = dataUrlSize(content);
  const mediaType =
    mediaTypeOf(part.mime_type) ?? asUrl?.mediaType ?? mediaTypeOf(part.modality) ?? 'application/octet-stream';
  return binaryPlaceholder(mediaType, asUrl ? asUrl.bytes : base64DecodedBytes(content));
}

/** Sets an own property, even one named `__proto__` (as JSON.parse creates them). */
export function setOwn(holder: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (holder as Record<string | number, unknown>)[key] = value;
  }
}

/**
 * Replaces inline binary in plain JSON data, in place: blob parts' content (any object with
 * `type: "blob"` and a string `content`) and data: URLs in every string except `type` fields.
 * Returns how many were replaced. Placeholders are left alone, so running it twice changes nothing.
 */
export function replaceInlineBinaryInPlace(root: unknown): number {
  let count = 0;
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, value: unknown, stack: unknown[]) => {
    if (typeof value === 'string') {
      const r = replaceDataUrls(value);
      if (r.count > 0) {
        setOwn(holder, key, r.value);
        count += r.count;
      }
    } else if (value !== null && typeof value === 'object') {
      stack.push(value);
    }
  };
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node, i, node[i], stack);
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      const content = obj.content;
      if (obj.type === 'blob' && typeof content === 'string' && !INLINE_BINARY_PLACEHOLDER.test(content)) {
        setOwn(obj, 'content', blobPlaceholder(obj, content));
        count++;
      }
      for (const key of Object.keys(obj)) {
        if (key !== 'type') visit(obj, key, obj[key], stack);
      }
    }
  }
  return count;
}

/**
 * `value` with its inline binary replaced by placeholders. The input is never modified: when there is
 * something to replace, the result is a JSON-clean deep copy; otherwise it is `value` itself.
 */
export function omitInlineBinary<T>(value: T): { value: T; omitted: number } {
  const json = safeJsonStringify(value);
  if (!mayContainInlineBinary(json)) return { value, omitted: 0 };
  const copy = JSON.parse(json) as T;
  const omitted = replaceInlineBinaryInPlace(copy);
  return omitted > 0 ? { value: copy, omitted } : { value, omitted: 0 };
}
