/*
 * One string, many rules: finds every rule's matches in the ORIGINAL text (so a marker written by one
 * rule is never seen, let alone re-redacted, by another), keeps a match only if it overlaps none kept
 * before it (rules run in priority order), then builds the output in one pass.
 *
 * The kept spans stay sorted, so checking a candidate costs a binary search (not a pass over every span
 * kept so far: a text with 100k matches would cost 10^10 comparisons), and a rule's spans are merged
 * into the others once the rule is done. Work is linear in the text times the number of rules, plus
 * m log m for m matches.
 */
import { features } from './features';
import type { Rule } from './rule';

export interface ScanResult {
  text: string;
  count: number;
}

/**
 * Markers already in the text (from an earlier pass, or typed by someone) are left as they are:
 * `[REDACTED]` or `[REDACTED:NAME]`, NAME of [A-Z0-9_]. Found with indexOf, without a match object per
 * marker (a text of markers would otherwise allocate one for each).
 */
const MARKER_HEAD = '[REDACTED';

/** The end of the marker starting at `at` (which holds `[REDACTED`), or -1. */
function markerEnd(text: string, at: number): number {
  let i = at + MARKER_HEAD.length;
  if (text.charCodeAt(i) === 93 /* ] */) return i + 1;
  if (text.charCodeAt(i) !== 58 /* : */) return -1;
  const nameStart = ++i;
  for (let c = text.charCodeAt(i); (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95; c = text.charCodeAt(++i));
  return i > nameStart && text.charCodeAt(i) === 93 ? i + 1 : -1;
}

/**
 * Spans as flat triples: start, end, rule index (-1: an existing marker, kept as is). Sorted by start
 * and never overlapping, so the ends are sorted too.
 */
type Spans = number[];

/** No spans: shared, never written to (most strings have no marker and no match: no array for them). */
const NONE: Spans = [];

/** Whether [start, end) overlaps a span of `spans`: the first span ending after `start` must start at or after `end`. */
function overlaps(spans: Spans, start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length / 3;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid * 3 + 1] > start) hi = mid;
    else lo = mid + 1;
  }
  return lo * 3 < spans.length && spans[lo * 3] < end;
}

/** Puts a span that does not overlap any of `spans` in its place (at the end, nearly always). */
function insert(spans: Spans, start: number, end: number, rule: number): void {
  let at = spans.length;
  while (at > 0 && spans[at - 3] > start) at -= 3;
  if (at === spans.length) spans.push(start, end, rule);
  else spans.splice(at, 0, start, end, rule);
}

/** The union of two sorted, mutually non-overlapping span lists, sorted. */
function merge(a: Spans, b: Spans): Spans {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Spans = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i] < b[j]);
    const src = fromA ? a : b;
    const at = fromA ? i : j;
    out[k++] = src[at];
    out[k++] = src[at + 1];
    out[k++] = src[at + 2];
    if (fromA) i += 3;
    else j += 3;
  }
  return out;
}

/** A rule with every field present, so the scan loop reads one object shape (fast property access). */
export interface CompiledRule {
  readonly marker: string;
  readonly re: RegExp;
  readonly span: 0 | 1 | 2; // match, group, group-to-end
  readonly minLength: number;
  readonly minDigits: number;
  readonly needs: number;
  readonly hint: ((text: string) => boolean) | undefined;
  readonly validate: ((candidate: string, text: string, start: number) => boolean | number) | undefined;
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((r) => ({
    marker: r.marker,
    re: r.re,
    span: r.span === 'group' ? 1 : r.span === 'group-to-end' ? 2 : 0,
    minLength: r.minLength ?? 0,
    minDigits: r.minDigits ?? 0,
    needs: r.needs ?? 0,
    hint: r.hint,
    validate: r.validate,
  }));
}

/** The shortest text any of `rules` can match in. */
export function minTextLength(rules: readonly CompiledRule[]): number {
  return rules.reduce((min, r) => Math.min(min, r.minLength), Infinity);
}

const BACKSLASH = 92;
/** What may follow a backslash in a JSON string, and how many characters the escape takes after it. */
const ESCAPE_LENGTH: Readonly<Record<string, number>> = { n: 1, r: 1, t: 1, b: 1, f: 1, '"': 1, '/': 1, '\\': 1, u: 5 };

/** Whether the backslash at `at` escapes the next character (an odd run of backslashes ends there). */
function escapes(text: string, at: number): boolean {
  let n = 0;
  while (at - n >= 0 && text.charCodeAt(at - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/**
 * Keeps a replacement from cutting an escape sequence in half (text that is JSON, or holds JSON):
 * `\njane@example.com` must become `\n[REDACTED:EMAIL]`, not `\[REDACTED:EMAIL]`, and a span must not
 * end with the backslash of an escape. Returns the adjusted span (empty when nothing is left).
 */
function outsideEscapes(text: string, start: number, end: number): [number, number] {
  if (start > 0 && text.charCodeAt(start - 1) === BACKSLASH && escapes(text, start - 1)) {
    start += ESCAPE_LENGTH[text[start]] ?? 0;
  }
  if (end > start && text.charCodeAt(end - 1) === BACKSLASH && escapes(text, end - 1)) end--;
  return [start, end];
}

/** A JSON whitespace escape (`\n`, `\r`, `\t`, `\b`, `\f`), after an even run of backslashes; or such a run. */
const WHITESPACE_ESCAPE = /\\\\|\\[nrtbf]/g;

/**
 * The text the rules look at: the original, except that each JSON whitespace escape's letter is a space.
 * In prose that holds JSON (not a JSON text of its own, so never parsed), `x\n4111 1111 1111 1111` would
 * otherwise glue the escape's `n` to the number and defeat every rule that starts at a word boundary.
 * Same length, so every match is at the same place in the original, where the markers go.
 */
function matchingView(text: string): string {
  if (text.indexOf('\\') < 0) return text;
  return text.replace(WHITESPACE_ESCAPE, (escape) => (escape.length === 2 && escape !== '\\\\' ? '\\ ' : escape));
}

export function scanText(original: string, rules: readonly CompiledRule[]): ScanResult {
  const text = matchingView(original);
  /** Spans kept by the rules before the current one (and existing markers). */
  let kept = NONE;
  let feats = -1;
  for (let at = text.indexOf(MARKER_HEAD); at >= 0; ) {
    const end = markerEnd(text, at);
    if (end > 0) (kept === NONE ? (kept = []) : kept).push(at, end, -1);
    at = text.indexOf(MARKER_HEAD, end > 0 ? end : at + 1);
  }
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (text.length < rule.minLength) continue;
    if (rule.needs !== 0 || rule.minDigits !== 0) {
      if (feats < 0) feats = features(text);
      if ((feats & rule.needs) !== rule.needs || feats >> 8 < rule.minDigits) continue;
    }
    if (rule.hint !== undefined && !rule.hint(text)) continue;
    /** This rule's spans, in the order found (which is by start, but for rare look-behind groups). */
    let mine: Spans | undefined;
    const re = rule.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const matchEnd = m.index + m[0].length;
      if (matchEnd === m.index) {
        re.lastIndex = m.index + 1; // an empty match (custom patterns): step over it
        continue;
      }
      let start = m.index;
      let candidate = m[0];
      if (rule.span === 1) {
        let g = 1;
        while (g < m.length && m[g] === undefined) g++;
        const at = m.indices?.[g];
        if (!at || at[1] === at[0]) continue;
        start = at[0];
        candidate = m[g];
      } else if (rule.span === 2) {
        const at = m.indices?.[1];
        if (!at) continue;
        start = at[0];
        candidate = text.slice(start, matchEnd);
      }
      let end = start + candidate.length;
      if (rule.validate !== undefined) {
        const verdict = rule.validate(candidate, text, start);
        if (verdict === false) {
          re.lastIndex = m.index + 1; // a shorter, valid candidate may start inside this one
          continue;
        }
        if (typeof verdict === 'number') end = start + verdict;
        if (end <= start) {
          re.lastIndex = m.index + 1;
          continue;
        }
      }
      if (text.charCodeAt(start - 1) === BACKSLASH || text.charCodeAt(end - 1) === BACKSLASH) {
        [start, end] = outsideEscapes(text, start, end);
        if (start >= end) {
          re.lastIndex = m.index + 1;
          continue;
        }
      }
      if (overlaps(kept, start, end) || (mine !== undefined && overlaps(mine, start, end))) {
        re.lastIndex = m.index + 1;
        continue;
      }
      insert((mine ??= []), start, end, r);
      re.lastIndex = Math.max(end, m.index + 1);
    }
    if (mine !== undefined) kept = merge(kept, mine);
  }
  // `kept` is in output order, and holds places in the original too.
  let out = '';
  let at = 0;
  let count = 0;
  for (let i = 0; i < kept.length; i += 3) {
    const ruleIndex = kept[i + 2];
    if (ruleIndex < 0) continue;
    out += original.slice(at, kept[i]) + rules[ruleIndex].marker;
    at = kept[i + 1];
    count++;
  }
  if (count === 0) return { text: original, count: 0 };
  return { text: out + original.slice(at), count };
}
