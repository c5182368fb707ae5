/*
 * Sizes in UTF-8 bytes of JSON text, and cutting a string so that its JSON form fits a byte count.
 */

/** UTF-8 bytes of a string (JSON text is always well-formed UTF-16: lone surrogates are escaped). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** UTF-8 bytes of `JSON.stringify(value)`, for plain JSON data (undefined counts as `null`). */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? 'null');
}

/** The suffix a cut string ends with: `…[TRUNCATED <n> chars]`, n in UTF-16 code units removed. */
export function truncationMarker(removedChars: number): string {
  return `…[TRUNCATED ${removedChars} chars]`;
}

/** Bytes of the marker for up to `maxRemoved` removed chars: "…" is 3 bytes, the rest ASCII. */
function markerBytes(maxRemoved: number): number {
  return 3 + '[TRUNCATED '.length + String(maxRemoved).length + ' chars]'.length;
}

/** Bytes a UTF-16 code unit takes inside a JSON string literal (not part of a surrogate pair). */
function escapedBytes(c: number): number {
  if (c < 0x20) return c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
  if (c === 0x22 || c === 0x5c) return 2; // \" and \\
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 6; // a lone surrogate is written as \uXXXX
  return 3;
}

/**
 * `s` itself if `JSON.stringify(s)` takes at most `maxJsonBytes` bytes; otherwise its longest prefix that,
 * followed by the truncation marker, does (never splitting a surrogate pair). With no room for the marker,
 * `"…"` (5 bytes as JSON) or `""`. `maxJsonBytes` must be at least 2 for the result to fit.
 */
export function cutStringToJsonBytes(s: string, maxJsonBytes: number): string {
  const limit = maxJsonBytes - 2; // the quotes
  const avail = limit - markerBytes(s.length); // room for the prefix when a marker follows
  let used = 0;
  let cut = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    let step = 1;
    let cost: number;
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      step = 2;
      cost = 4;
    } else {
      cost = escapedBytes(c);
    }
    used += cost;
    if (used > limit) break;
    i += step;
    if (used <= avail) cut = i;
  }
  if (used <= limit) return s;
  if (avail < 0) return limit >= 3 ? '…' : '';
  return s.slice(0, cut) + truncationMarker(s.length - cut);
}

/**
 * A value cut to at most `maxJsonBytes` bytes of JSON: a string is cut with the marker; any other value
 * is replaced by its JSON text, cut the same way (a string preview). Returned as is if it already fits.
 */
export function cutValueToJsonBytes(value: unknown, maxJsonBytes: number): unknown {
  if (typeof value === 'string') return cutStringToJsonBytes(value, maxJsonBytes);
  const json = JSON.stringify(value) ?? 'null';
  if (utf8Bytes(json) <= maxJsonBytes) return value;
  return cutStringToJsonBytes(json, maxJsonBytes);
}
