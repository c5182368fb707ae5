/*
 * Strings that hold JSON (a tool result or arguments the app serialized itself). Scanned as raw text,
 * an escape hides what follows it (`\n+44 20 7946 0958`: the `n` of the escape glues on), and a card
 * number written as a JSON number would become an unquoted marker, which is not JSON. So such a string
 * is parsed, its values are redacted as the text they stand for (card-length integers become marker
 * strings), and the result is serialized again; the raw scan then still runs over that, for what only
 * the raw text shows (`"password": "hunter22"` pairs: the key is the context). Without a change the
 * original string comes back as it was (formatting included); with one, as compact JSON.
 */
import { type CompiledRule, type ScanResult, scanText } from './scan';
import { walkJson } from './walk';

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** `{...}` or `[...]`, give or take surrounding whitespace: checked without copying the text. */
function looksLikeJsonContainer(text: string): boolean {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first !== 123 /* { */ && first !== 91 /* [ */) return false;
  let j = text.length - 1;
  while (j > i && isSpace(text.charCodeAt(j))) j--;
  const last = text.charCodeAt(j);
  return j > i && (last === 125 /* } */ || last === 93) /* ] */;
}

export function scanMaybeJson(text: string, rules: readonly CompiledRule[]): ScanResult {
  if (!looksLikeJsonContainer(text)) return scanText(text, rules);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return scanText(text, rules);
  }
  let count = 0;
  const visit = (s: string) => {
    const r = scanMaybeJson(s, rules);
    count += r.count;
    return r.text;
  };
  const inner = walkJson(parsed, visit, visit);
  const outer = scanOuterJson(inner, rules);
  count += outer.count;
  return count > 0 ? { text: outer.text, count } : { text, count: 0 };
}

/**
 * The raw scan over the re-serialized value. A rule keyed on the property name (`"token": 987654321`)
 * may cover a whole number, boolean or null, whose marker would then stand unquoted: not JSON. Such
 * markers are quoted (`"token":"[REDACTED:SECRET]"`). Should the text still not be JSON (a finding that
 * covered part of a token), the scan runs over a copy whose non-string scalars are strings, so every
 * marker lands inside quotes; and if even that is not JSON, the raw scan's findings are left out (the
 * values themselves were scanned one by one already) rather than the JSON broken.
 */
function scanOuterJson(value: unknown, rules: readonly CompiledRule[]): ScanResult {
  const json = JSON.stringify(value);
  const outer = scanText(json, rules);
  if (outer.count === 0 || isJson(outer.text)) return outer;
  const quotedMarkers = outer.text.replace(BARE_MARKER, '$1"$2"');
  if (isJson(quotedMarkers)) return { text: quotedMarkers, count: outer.count };
  const asStrings = scanText(JSON.stringify(value, (_key, v: unknown) => (v === null || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v)), rules);
  return isJson(asStrings.text) ? asStrings : { text: json, count: 0 };
}

/** A marker standing where compact JSON has a value: after `:`, `,` or `[`, before `,`, `}` or `]`. */
const BARE_MARKER = /([:,[])(\[REDACTED:[A-Z_]+\])(?=[,}\]])/g;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
