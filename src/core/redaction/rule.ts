/*
 * The vocabulary of detectors: a rule (a regex and its checks), a detector (the rules of one kind), the
 * markers, the feature bits a rule can require, and small helpers the detector files share.
 */
import type { DetectorKind } from './types';

export interface Rule {
  readonly id: string;
  readonly kind: DetectorKind | 'custom';
  readonly marker: string;
  /** A global regex; with `span` other than 'match' it also has the `d` flag. */
  readonly re: RegExp;
  /**
   * What a match replaces: all of it (default); only the first capture group that took part in the match
   * (`group`: `Bearer <token>` keeps the word); or from the start of group 1 to the end of the match
   * (`group-to-end`: group 1 sits in a lookbehind, so the regex can start at a rare anchor character such
   * as `@` or `:` and stay cheap).
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

export interface Detector {
  readonly kind: DetectorKind;
  readonly rules: readonly Rule[];
}

export const MARKERS = {
  secrets: '[REDACTED:SECRET]',
  cards: '[REDACTED:CARD]',
  email: '[REDACTED:EMAIL]',
  phone: '[REDACTED:PHONE]',
  ip: '[REDACTED:IP]',
  national_id: '[REDACTED:NATIONAL_ID]',
  iban: '[REDACTED:IBAN]',
} as const;

/** Feature bits: which characters a text holds. Computed once per text, checked by every rule. */
export const F_COLON_EQ = 1; // `:` or `=`
export const F_AT = 2; // `@`
export const F_PLUS = 4; // `+`
export const F_SEP = 8; // `-`, `_` or `.`
export const F_SPACE = 16; // space, tab or newline

export const includesAny =
  (...needles: string[]) =>
  (text: string) => {
    for (const n of needles) if (text.includes(n)) return true;
    return false;
  };

export const HAS_DIGIT = /\d/;

export function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}
