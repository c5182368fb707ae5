/*
 * One string, many rules: finds every rule's matches in the ORIGINAL text (so a marker written by one
 * rule is never seen, let alone re-redacted, by another), keeps a match only if it overlaps none kept
 * before it (rules run in priority order), then builds the output in one pass.
 */
import { features } from './features';
import type { Rule } from './rule';

export interface ScanResult {
  text: string;
  count: number;
}

/** Markers already in the text (from an earlier pass, or typed by someone) are left as they are. */
const EXISTING_MARKER = /\[REDACTED(?::[A-Z0-9_]+)?\]/g;

/** Spans as flat triples: start, end, rule index (-1: an existing marker, kept as is). */
type Spans = number[];

function overlaps(spans: Spans, start: number, end: number): boolean {
  for (let i = 0; i < spans.length; i += 3) if (start < spans[i + 1] && end > spans[i]) return true;
  return false;
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

export function scanText(text: string, rules: readonly CompiledRule[]): ScanResult {
  let spans: Spans | undefined;
  let feats = -1;
  if (text.includes('[REDACTED')) {
    EXISTING_MARKER.lastIndex = 0;
    for (let m = EXISTING_MARKER.exec(text); m !== null; m = EXISTING_MARKER.exec(text)) {
      (spans ??= []).push(m.index, m.index + m[0].length, -1);
    }
  }
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (text.length < rule.minLength) continue;
    if (rule.needs !== 0 || rule.minDigits !== 0) {
      if (feats < 0) feats = features(text);
      if ((feats & rule.needs) !== rule.needs || feats >> 8 < rule.minDigits) continue;
    }
    if (rule.hint !== undefined && !rule.hint(text)) continue;
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
      if (spans && overlaps(spans, start, end)) {
        re.lastIndex = m.index + 1;
        continue;
      }
      (spans ??= []).push(start, end, r);
      re.lastIndex = Math.max(end, m.index + 1);
    }
  }
  if (!spans) return { text, count: 0 };
  // Order by start; spans never overlap, so this is the output order.
  const order: number[] = [];
  for (let i = 0; i < spans.length; i += 3) order.push(i);
  order.sort((a, b) => spans[a] - spans[b]);
  let out = '';
  let at = 0;
  let count = 0;
  for (const i of order) {
    const ruleIndex = spans[i + 2];
    if (ruleIndex < 0) continue;
    out += text.slice(at, spans[i]) + rules[ruleIndex].marker;
    at = spans[i + 1];
    count++;
  }
  if (count === 0) return { text, count: 0 };
  return { text: out + text.slice(at), count };
}
