/*
 * Email addresses and phone numbers. Phone numbers count only with a leading + (or 00), in the usual
 * national groupings with separators (North American 3-3-4, trunk-0 formats of the UK, France, Germany,
 * Australia...), or as a mobile number with its national prefix and exact length (07700900123,
 * 0612345678): any other bare run of digits is an order number as often as a phone number.
 */
import { continuesIbanShape } from './detect-iban';
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

/** A bare number right after the name of what it numbers is that thing's number: `order 0612345678`, `ISBN 0412345678`. */
const NUMBERED_THING =
  /\b(?:isbn(?:-1[03])?|order|invoice|ref|reference|tracking|account|acct|customer|member|ticket|case|sku|serial|s\/n|sn|part|model|po|batch|lot)\s*(?:#|no\.?|number|id)?\s*[:#]?\s*$/i;

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
      // North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199; separators required.
      // The area code starts with 2-9 unless it is in parentheses; the exchange may be anything (555-123-4567
      // is how people write made-up and test numbers, and those are typed in place of real ones).
      id: 'phone_nanp',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])(?:1[ .-]?)?(?:\(\d\d\d\)[ .-]?|[2-9]\d\d[ .-])\d\d\d[ .-]\d{4}(?![\w/-]|\.\d)/g,
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
      validate: (c, text, start) => {
        const n = digitCount(c);
        const parts = c.split(/[ -]+/).length;
        // Not the digit groups at the end of an IBAN-shaped code (NL31 XIUZ 0916 3788 16).
        return n >= (parts === 2 ? 10 : 9) && n <= 12 && !SERIAL_SHAPE.test(c) && !continuesIbanShape(text, start);
      },
    },
    {
      // Dotted, as in France and Belgium: 06.12.34.56.78, 0470.12.34.56 (exactly these groupings: dotted
      // numbers are dates and versions far more often).
      id: 'phone_dotted',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])0(?:[1-9](?:\.\d\d){4}|4\d\d(?:\.\d\d){3})(?![\w/-]|\.\d)/g,
      minLength: 13,
      needs: F_SEP,
      minDigits: 10,
    },
    {
      // German area code and number split by a slash: 030/1234567, 0151 / 12345678, 089/123 456 78.
      id: 'phone_slash',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])0[1-9]\d{1,4} ?\/ ?\d{3,8}(?:[ -]\d{1,6}){0,2}(?![\w/-]|\.\d)/g,
      minLength: 9,
      minDigits: 9,
      hint: includesAny('/'),
      validate: digitsBetween(9, 12),
    },
    {
      // Mobile numbers without separators, by national prefix and exact length: UK 07xxx xxxxxx (11
      // digits), France 06/07 and the Netherlands 06 (10), Australia 04 (10), Germany 015x-017x (11-12).
      // Not after `=`, `/` or `#`: an id in a URL or an order number.
      id: 'phone_mobile',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./=-]|\d[ .-])0(?:7\d{9}|[467]\d{8}|1[5-7]\d{8,9})(?![\w/-]|[.,]\d)/g,
      minLength: 10,
      minDigits: 10,
      validate: (_c, text, start) => !NUMBERED_THING.test(text.slice(Math.max(0, start - 24), start)),
    },
  ],
};
