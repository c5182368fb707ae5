/*
 * Email addresses and phone numbers. Phone numbers count only with a leading + (or 00), or in the usual
 * national groupings with separators (North American 3-3-4, trunk-0 formats of the UK, France, Germany,
 * Australia...): a bare run of digits is an order number as often as a phone number.
 */
import { type Detector, digitCount, F_AT, F_PLUS, F_SEP, includesAny, MARKERS } from './rule';

export const email: Detector = {
  kind: 'email',
  rules: [
    {
      id: 'email',
      kind: 'email',
      marker: MARKERS.email,
      // Starts at the `@`; the local part (group 1) is matched by a lookbehind.
      re: /@(?<=(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/dg,
      span: 'group-to-end',
      minLength: 6,
      needs: F_AT | F_SEP,
      hint: includesAny('@'),
      // `icon@2x.png` is an image name.
      validate: (c) => !/@\d+(?:\.\d+)?x\./.test(c),
    },
  ],
};

/** Digit count within [min, max]. */
const digitsBetween = (min: number, max: number) => (c: string) => {
  const n = digitCount(c);
  return n >= min && n <= max;
};

/** Groups of exactly four digits joined by dashes: a serial number or key, not a phone number. */
const SERIAL_SHAPE = /^\d{4}(?:-\d{4}){2,}$/;

export const phone: Detector = {
  kind: 'phone',
  rules: [
    {
      // International: +CC then 7-14 more digits, separators optional (+14155550132, +44 20 7946 0958,
      // +1 (415) 555-0132, +33 6 12 34 56 78).
      id: 'phone_intl',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+])\+\(?\d(?:[ .()-]{0,2}\d){6,14}(?!\d)/g,
      minLength: 9,
      needs: F_PLUS,
      minDigits: 8,
      hint: includesAny('+'),
      validate: digitsBetween(8, 15),
    },
    {
      // International with the 00 prefix, grouped: 0044 20 7946 0958.
      id: 'phone_00',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])00[1-9]\d{0,3}(?:[ -]\d{1,6}){2,6}(?![\w/-]|\.\d)/g,
      minLength: 11,
      minDigits: 11,
      validate: (c) => digitsBetween(11, 17)(c) && !SERIAL_SHAPE.test(c),
    },
    {
      // North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199; area code and
      // exchange start with 2-9; separators required.
      id: 'phone_nanp',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])(?:1[ .-]?)?(?:\([2-9]\d\d\)[ .-]?|[2-9]\d\d[ .-])[2-9]\d\d[ .-]\d{4}(?![\w/-]|\.\d)/g,
      minLength: 12,
      minDigits: 10,
    },
    {
      // National numbers with a trunk 0, grouped: 020 7946 0958, 07700 900123, 06 12 34 56 78,
      // 030 12345678, (02) 9876 5432, 090-1234-5678. 9-12 digits; with only two groups at least 10 (not
      // ZIP+4 02134-1234).
      id: 'phone_trunk',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])(?:\(0[1-9]\d{0,3}\)|0[1-9]\d{0,3})(?:[ -]\d{2,8}){1,4}(?![\w/-]|\.\d)/g,
      minLength: 10,
      minDigits: 9,
      validate: (c) => {
        const n = digitCount(c);
        const parts = c.split(/[ -]+/).length;
        return n >= (parts === 2 ? 10 : 9) && n <= 12 && !SERIAL_SHAPE.test(c);
      },
    },
  ],
};
