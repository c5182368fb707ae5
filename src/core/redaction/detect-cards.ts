/*
 * Payment cards (Luhn-checked, known issuer prefixes and lengths).
 */
import { cardNumberValid } from './checksums';
import { continuesIbanShape } from './detect-iban';
import { type Detector, MARKERS } from './rule';

/**
 * Payment cards: 13-19 digits, contiguous or in the printed groupings (4-4-4-4[-3], 4-6-5, 4-6-4) with
 * one kind of separator; a known issuer prefix and length; Luhn. A grouped candidate may run on into
 * what follows (an expiry or CVV: `4111 1111 1111 1111 12 26`, or another card): it is retried without
 * its last group until a card is found or fewer than 13 digits are left.
 */
function cardCandidate(candidate: string, text: string, start: number): boolean | number {
  // The last groups of a printed IBAN (its own detector takes it when on; with `cards` alone it stays whole).
  if (start >= 10 && text.charCodeAt(start - 1) === 32 && continuesIbanShape(text, start)) return false;
  const groups = candidate.split(/[ -]/);
  let digits = groups.join('');
  let length = candidate.length;
  for (let k = groups.length; k >= 1; k--) {
    if (digits.length >= 13 && cardNumberValid(digits)) return length;
    if (k === 1) break;
    const last = groups[k - 1];
    digits = digits.slice(0, digits.length - last.length);
    length -= last.length + 1;
  }
  return false;
}

const CARD_SHAPE = /\d{4}(?:\d{9}|[ -]\d{4}[ -]\d{4}[ -]\d|[ -]\d{6}[ -]\d{4})/;

export const cards: Detector = {
  kind: 'cards',
  rules: [
    {
      id: 'card',
      kind: 'cards',
      marker: MARKERS.cards,
      // A grouped card does not start inside a longer grouped number (`ES65 7808 5385 3385 8284 7123`, an
      // IBAN, holds a Luhn-valid Mastercard-looking `5385 3385 8284 7123` one time in ten), nor after the
      // letter groups of an IBAN-shaped code (validate).
      re: /(?<![\w.])(?:\d{13,19}(?![\w]|\.\d)|(?<!\d\d[ -])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,4}){0,3}|\d{4}([ -])\d{6}\2\d{4,5}(?:\2\d{1,4}){0,3})(?!\w))/g,
      minLength: 13,
      minDigits: 13,
      // The digits of a card in one of the shapes, without the boundary checks: half the cost of the rule.
      hint: (t) => CARD_SHAPE.test(t),
      validate: cardCandidate,
    },
  ],
};
