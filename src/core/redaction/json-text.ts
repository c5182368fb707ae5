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
  const outer = scanText(JSON.stringify(inner), rules);
  count += outer.count;
  return count > 0 ? { text: outer.text, count } : { text, count: 0 };
}
