/*
 * What a text holds, checked by every rule before its regex runs: feature bits (which rare characters
 * occur) and, for short texts, the number of digits. A rule whose needs the text does not meet costs a
 * comparison instead of a regex run: most of the cost for the many short strings of a request (roles,
 * ids, tool names, argument values).
 *
 * Costs measured on Node 24: a regex run on a short string costs ~30 ns, a JS loop over characters
 * 2-6 ns per character, indexOf ~15 ns a call but memchr-fast on long strings. So short texts are read
 * once in a loop; long ones get indexOf probes for the bits and no digit count (their rules' regexes
 * scan faster than a counting loop would).
 */
import { F_AT, F_COLON_EQ, F_PLUS, F_SEP, F_SPACE } from './rule';

/** Up to this length a text is read char by char. */
const SHORT_TEXT = 64;
/** Digit counts are capped here (no rule asks for more); long texts report the cap. */
export const DIGITS_UNKNOWN = 255;

const CLASS = new Uint8Array(128);
CLASS[58] = CLASS[61] = F_COLON_EQ; // : =
CLASS[64] = F_AT; // @
CLASS[43] = F_PLUS; // +
CLASS[45] = CLASS[46] = CLASS[95] = F_SEP; // - . _
CLASS[32] = CLASS[10] = CLASS[9] = CLASS[13] = F_SPACE;
const DIGIT = 128;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;

/** Feature bits in the low byte, the digit count (DIGITS_UNKNOWN for long texts) above. */
export function features(text: string): number {
  if (text.length > SHORT_TEXT) {
    let bits = DIGITS_UNKNOWN << 8;
    if (text.indexOf(':') >= 0 || text.indexOf('=') >= 0) bits |= F_COLON_EQ;
    if (text.indexOf('@') >= 0) bits |= F_AT;
    if (text.indexOf('+') >= 0) bits |= F_PLUS;
    if (text.indexOf('-') >= 0 || text.indexOf('.') >= 0 || text.indexOf('_') >= 0) bits |= F_SEP;
    if (text.indexOf(' ') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0) {
      bits |= F_SPACE;
    }
    return bits;
  }
  let bits = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      const k = CLASS[c];
      if (k === DIGIT) digits++;
      else bits |= k;
    }
  }
  return bits | (digits << 8);
}
