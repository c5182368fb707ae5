/*
 * The built-in detectors, one per kind, in priority order: where matches of two kinds overlap, the
 * earlier kind wins (an IBAN is not also a card number, a card not a phone number, an SSN not a phone
 * number, a URL password not an email address).
 *
 * Rules of thumb that keep ordinary text clean:
 *  - numbers count only in the shapes people write them in (grouped the usual way, or with a leading +),
 *    and never inside a longer run of digits, letters or dotted numbers;
 *  - anything with a check digit is checked (Luhn, mod 97, mod 23, mod 11, Verhoeff) and must come from
 *    a known range (card issuer prefixes, SSN areas, NINO prefixes, IBAN country lengths);
 *  - secrets are either provider tokens with a recognisable prefix, or values in a credential context.
 */
import { cards } from './detect-cards';
import { email, phone } from './detect-contact';
import { iban } from './detect-iban';
import { ip } from './detect-ip';
import { nationalId } from './detect-national-ids';
import { secrets } from './detect-secrets';
import type { Detector, Rule } from './rule';
import type { DetectorKind } from './types';

export { MARKERS } from './rule';
export type { Detector, Rule } from './rule';

/** All detectors, in priority order (the order of DETECTOR_KINDS). */
export const DETECTORS: readonly Detector[] = [secrets, iban, cards, nationalId, email, ip, phone];

/** The rules of the given kinds, in priority order. */
export function rulesFor(kinds: ReadonlySet<DetectorKind>): Rule[] {
  return DETECTORS.filter((d) => kinds.has(d.kind)).flatMap((d) => d.rules);
}
