/*
 * One string, many rules: finds every rule's matches in the ORIGINAL text (so a marker written by one
 * rule is never seen, let alone re-redacted, by another), keeps a match only if it overlaps none kept
 * before it (rules run in priority order), then builds the output in one pass.
 */
import type { DetectorKind } from './types';

export interface Rule {
  readonly id: string;
  readonly kind: DetectorKind | 'custom';
  readonly marker: string;
  /** A global regex; with `span` other than 'match' it also has the `d` flag. */
  readonly re: RegExp;
  /**
   * What a match replaces: all of it (default); only capture group 1 (`group`: `Bearer <token>` keeps
   * the word); or from the start of group 1 to the end of the match (`group-to-end`: group 1 sits in a
   * lookbehind, so the regex can start at a rare anchor character such as `@` or `:` and stay cheap).
   */
  readonly span?: 'match' | 'group' | 'group-to-end';
  /** Texts shorter than this cannot hold a match: the regex is not run. */
  readonly minLength?: number;
  /** Texts with fewer digits than this cannot hold a match. */
  readonly minDigits?: number;
  /** Characters a match needs (all of these `F_*` bits); texts without them are skipped. */
  readonly needs?: number;
  /** A cheap test that the text may hold a match; when false the rule's regex is not run. */
  readonly hint?: (text: string) => boolean;
  /** Accepts (true) or rejects (false) a candidate, or keeps only its first n characters (n). */
  readonly validate?: (candidate: string, text: string, start: number) => boolean | number;
}

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

/** Feature bits: which characters a text holds. Computed once per text, checked by every rule. */
export const F_COLON_EQ = 1; // `:` or `=`
export const F_AT = 2; // `@`
export const F_PLUS = 4; // `+`
export const F_SEP = 8; // `-`, `_` or `.`
export const F_SPACE = 16; // space, tab or newline

/** Counting digits stops here: no rule asks for more. */
const DIGIT_CAP = 13;
/** Up to this length a text is read once, char by char; longer ones are probed with indexOf (memchr-fast). */
const SHORT_TEXT = 256;

/** Feature bits in the low byte, then the digit count (capped) shifted by 8. */
function features(text: string): number {
  let bits = 0;
  let digits = 0;
  if (text.length <= SHORT_TEXT) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 58 || c === 61) bits |= F_COLON_EQ;
      else if (c === 64) bits |= F_AT;
      else if (c === 43) bits |= F_PLUS;
      else if (c === 45 || c === 95 || c === 46) bits |= F_SEP;
      else if (c === 32 || c === 10 || c === 9 || c === 13) bits |= F_SPACE;
    }
    return bits | (Math.min(digits, DIGIT_CAP) << 8);
  }
  if (text.indexOf(':') >= 0 || text.indexOf('=') >= 0) bits |= F_COLON_EQ;
  if (text.indexOf('@') >= 0) bits |= F_AT;
  if (text.indexOf('+') >= 0) bits |= F_PLUS;
  if (text.indexOf('-') >= 0 || text.indexOf('_') >= 0 || text.indexOf('.') >= 0) bits |= F_SEP;
  if (text.indexOf(' ') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\t') >= 0) bits |= F_SPACE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 57 && c >= 48 && ++digits >= DIGIT_CAP) break;
  }
  return bits | (digits << 8);
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
        const at = m.indices?.[1];
        if (!at || at[1] === at[0]) continue;
        start = at[0];
        candidate = m[1];
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
