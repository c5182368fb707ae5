/*
 * Bank account numbers: IBANs (ISO 13616), compact or printed in groups of four. A known country code, the
 * country's length and the mod-97 check digits, so a product or order code is taken for one about once
 * in a hundred times it has exactly the right shape. Runs before the card detector: the digit groups at
 * the end of an IBAN can pass Luhn with an issuer prefix (GB24 HBUK 3048 6144 2862 47).
 */
import { IBAN_LENGTHS, ibanValid } from './checksums';
import { type Detector, MARKERS } from './rule';

/** The shapes an IBAN is written in: `DE89370400440532013000`, `DE89 3704 0044 0532 0130 00`. */
const IBAN_SOURCE = '(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{1,4}){3,8})(?![A-Za-z0-9])';

/**
 * The IBAN at the start of a candidate: its country's length, ending where a group ends, mod 97. The rest
 * of a candidate is a following word (`DE89 3704 0044 0532 0130 00 EUR`). Returns the IBAN's length.
 */
export function ibanCandidate(candidate: string): boolean | number {
  const expected = IBAN_LENGTHS[candidate.slice(0, 2)];
  if (!expected) return false;
  let seen = 0;
  let end = 0;
  let compact = '';
  while (end < candidate.length && seen < expected) {
    const c = candidate[end++];
    if (c !== ' ') {
      compact += c;
      seen++;
    }
  }
  if (seen < expected || (end < candidate.length && candidate[end] !== ' ')) return false;
  return ibanValid(compact) ? end : false;
}

const GROUP = /^[A-Z0-9]{4} $/;
const HEAD = /^[A-Z]{2}\d{2} $/;

/**
 * Whether `start` (where a grouped number begins) continues a printed IBAN-shaped code: groups of four
 * before it lead back to a country code and two check digits (`GB24 HBUK ` before `3048 6144 2862 47`).
 * Its digit groups are not a card or phone number, whether or not the check digits are right (an IBAN
 * with a typo is still an account number, and a product code of that shape is not a phone number). Looks
 * back at most 8 groups, so it costs the same on any text.
 */
export function continuesIbanShape(text: string, start: number): boolean {
  for (let k = 1; k <= 8; k++) {
    const at = start - 5 * k;
    if (at < 0) return false;
    const group = text.slice(at, at + 5);
    if (HEAD.test(group) && IBAN_LENGTHS[group.slice(0, 2)] !== undefined && !/[A-Za-z0-9]/.test(text[at - 1] ?? '')) return true;
    if (!GROUP.test(group)) return false;
  }
  return false;
}

export const iban: Detector = {
  kind: 'iban',
  rules: [
    {
      id: 'iban',
      kind: 'iban',
      marker: MARKERS.iban,
      re: new RegExp(IBAN_SOURCE, 'g'),
      minLength: 15,
      minDigits: 2,
      validate: ibanCandidate,
    },
  ],
};
