/*
 * The built-in detectors: one entry per kind, each a list of rules (regex + optional check). Kinds are
 * listed in priority order: where matches of two kinds overlap, the earlier kind wins.
 *
 * Rules of thumb that keep ordinary text clean:
 *  - numbers count only in the shapes people write them in (grouped the usual way, or with a leading +),
 *    and never inside a longer run of digits, letters or dotted numbers;
 *  - anything with a check digit is checked (Luhn, mod 97, mod 23, mod 11, Verhoeff) and must come from
 *    a known range (card issuer prefixes, SSN areas, NINO prefixes, IBAN country lengths);
 *  - secrets are either provider tokens with a recognisable prefix, or values in a credential context
 *    (`password=`, `api_key:`, `Bearer `, `Authorization: Basic`, `user:pass@` in URLs, "my PIN is").
 */
import {
  cardNumberValid,
  cpfValid,
  IBAN_LENGTHS,
  ibanValid,
  ninoPrefixValid,
  spanishIdValid,
  ssnValid,
  verhoeffValid,
} from './checksums';
import { F_AT, F_COLON_EQ, F_PLUS, F_SEP, F_SPACE, type Rule } from './scan';
import type { DetectorKind } from './types';

export const MARKERS = {
  secrets: '[REDACTED:SECRET]',
  cards: '[REDACTED:CARD]',
  email: '[REDACTED:EMAIL]',
  phone: '[REDACTED:PHONE]',
  ip: '[REDACTED:IP]',
  national_id: '[REDACTED:NATIONAL_ID]',
  iban: '[REDACTED:IBAN]',
} as const;

export interface Detector {
  readonly kind: DetectorKind;
  readonly rules: readonly Rule[];
}

const includesAny =
  (...needles: string[]) =>
  (text: string) => {
    for (const n of needles) if (text.includes(n)) return true;
    return false;
  };

const digitCount = (s: string) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
};

/** `:` or `=` somewhere: single-character searches cost next to nothing. */
const hasAssignment = (text: string) => text.indexOf(':') >= 0 || text.indexOf('=') >= 0;

/** An IPv6 address has `::` or seven colons. */
function mayHoldIpv6(text: string): boolean {
  if (text.includes('::')) return true;
  let at = -1;
  for (let n = 0; n < 7; n++) if ((at = text.indexOf(':', at + 1)) < 0) return false;
  return true;
}

const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;

/** A provider token has letters and digits; `sk-this-is-not-a-key` has no digit. */
const tokenLooksRandom = (s: string) => HAS_DIGIT.test(s) && HAS_LETTER.test(s);

/** A bearer token: letters and digits, or a long mixed-case string (not `Bearer authentication`). */
const bearerLooksRandom = (s: string) =>
  tokenLooksRandom(s) || (s.length >= 20 && /[a-z]/.test(s) && /[A-Z]/.test(s));

/** Placeholders that are not secrets: `****`, `xxxx`, `null`, `<your-key>`, `${API_KEY}`, `%PASSWORD%`. */
const PLACEHOLDER =
  /^(?:[*xX•.#_-]+|null|none|nil|undefined|true|false|redacted|hidden|masked|placeholder|your[_-].*)$|^(?:\$|%|\{\{|process\.env|os\.environ|env\.)/i;

/**
 * A value after `password=`, `token:`, "my PIN is"...: at least `min` characters once trailing sentence
 * punctuation is dropped, not a placeholder, and with a digit or symbol (or long and mixed-case), so
 * `password: required` or `token: expired` stay. Returns the length to redact.
 */
function credentialValue(min: number) {
  return (candidate: string): boolean | number => {
    const value = candidate.replace(/[.,;:!?]+$/, '');
    if (value.length < min || PLACEHOLDER.test(value)) return false;
    const symbolic = HAS_DIGIT.test(value) || /[^A-Za-z0-9]/.test(value);
    const mixedLong = value.length >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value);
    return symbolic || mixedLong ? value.length : false;
  };
}

/** Every provider key in full, anchored: checks (and trims) a candidate found by the cheap rule below. */
const PROVIDER_KEY =
  /^(?:sk-[A-Za-z0-9][A-Za-z0-9_-]{19,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|ya29\.[A-Za-z0-9_-]{20,}|GOCSPX-[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}|gsk_[A-Za-z0-9]{40,}|xai-[A-Za-z0-9]{40,}|r8_[A-Za-z0-9]{30,}|pplx-[A-Za-z0-9]{40,}|npm_[A-Za-z0-9]{36,}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9])/;

function providerKey(candidate: string): boolean | number {
  const m = PROVIDER_KEY.exec(candidate);
  return m !== null && tokenLooksRandom(m[0]) ? m[0].length : false;
}

/** The keywords of a credential assignment (`password=`, `"api_key":`, `OPENAI_API_KEY=`, `AccountKey=`). */
const CREDENTIAL_KEYWORDS =
  'password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|account[_-]?key|auth[_-]?key|credentials?';

// Most rules below start at a rare character (`:`, `=`, `-`, `_`, `.`) and look behind it for their
// keyword or prefix: far cheaper than trying a keyword at every position of ordinary text.
const secrets: Detector = {
  kind: 'secrets',
  rules: [
    {
      // PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK): the whole block, to the end of the
      // text if it was cut off before its END line.
      id: 'private_key',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
      minLength: 27,
      needs: F_SEP | F_SPACE,
      hint: includesAny('PRIVATE KEY'),
    },
    {
      // JWTs: header and payload are base64url JSON objects, so both start with `eyJ` ({").
      id: 'jwt',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
      minLength: 16,
      needs: F_SEP,
      hint: includesAny('.eyJ'),
    },
    {
      // Provider keys with a separator after their prefix: OpenAI (sk-, sk-proj-, sk-svcacct-),
      // Anthropic (sk-ant-), OpenRouter and DeepSeek (sk-), Stripe (sk_/rk_ live/test, whsec_), GitHub
      // (ghp_ gho_ ghu_ ghs_ ghr_ github_pat_), GitLab (glpat-), Slack (xoxa/b/p/o/s/r-), Google OAuth
      // (ya29., GOCSPX-), Hugging Face (hf_), Groq (gsk_), xAI (xai-), Replicate (r8_), Perplexity
      // (pplx-), npm (npm_), SendGrid (SG.). Starts at the separator, the prefix is group 1.
      id: 'provider_key',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /[-_.](?<=\b(sk|[sr]k_live|[sr]k_test|whsec|gh[pousr]|github_pat|glpat|xox[abposr]|ya29|GOCSPX|hf|gsk|xai|r8|pplx|npm|SG)[-_.])[A-Za-z0-9_.+/=-]{10,}/dg,
      span: 'group-to-end',
      minLength: 20,
      needs: F_SEP,
      minDigits: 1,
      validate: providerKey,
    },
    {
      // Keys without a separator: AWS access key ids (AKIA, ASIA, ABIA, ACCA) and Google API keys (AIza).
      id: 'provider_key_a',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /\bA(?:(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}|Iza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
      minLength: 20,
      minDigits: 1,
      validate: tokenLooksRandom,
    },
    {
      // AWS secret access keys have no prefix: only in their own context (`aws_secret_access_key = ...`).
      id: 'aws_secret',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /[:=](?<=(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s{0,3}[:=])\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi,
      span: 'group',
      minLength: 50,
      needs: F_COLON_EQ,
      hint: hasAssignment,
    },
    {
      // `Bearer <token>`: the word stays, the token goes.
      id: 'bearer',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /\b(?:[Bb]earer|BEARER)\s+([A-Za-z0-9._~+/-]{12,}=*)/dg,
      span: 'group',
      minLength: 19,
      needs: F_SPACE,
      validate: bearerLooksRandom,
    },
    {
      // `Authorization: Basic|Token|Digest <credentials>`.
      id: 'authorization',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /[:=](?<=authorization["']?\s{0,3}[:=])\s*["']?(?:basic|token|digest)\s+([A-Za-z0-9._~+/=-]{8,})/dgi,
      span: 'group',
      minLength: 28,
      needs: F_COLON_EQ | F_SPACE,
      hint: hasAssignment,
    },
    {
      // The password in `scheme://user:password@host`.
      id: 'url_password',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@"'<>]*:([^\s/@"'<>]+)@/dg,
      span: 'group',
      minLength: 8,
      needs: F_COLON_EQ | F_AT,
      hint: (t) => t.includes('@') && t.includes('://'),
      validate: (value) => !PLACEHOLDER.test(value),
    },
    {
      // Slack and Discord webhook URLs carry their secret in the path.
      id: 'webhook',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /\bhttps:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)\/|(?:discord|discordapp)\.com\/api\/webhooks\/)([A-Za-z0-9_/-]+)/dg,
      span: 'group',
      minLength: 30,
      needs: F_COLON_EQ | F_SEP,
    },
    {
      // `password=...`, `"api_key": "..."`, `OPENAI_API_KEY=...`, `client_secret: ...`, `AccountKey=...`.
      id: 'credential_assignment',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: new RegExp(
        `[:=](?<=(?:${CREDENTIAL_KEYWORDS})["']?\\s{0,3}[:=])\\s*["']?([^\\s"'\`\\\\,;<>()[\\]{}]+)`,
        'dgi',
      ),
      span: 'group',
      minLength: 9,
      needs: F_COLON_EQ,
      hint: hasAssignment,
      validate: credentialValue(6),
    },
    {
      // "my password is Summer2024!", "the PIN was 4821".
      id: 'credential_prose',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: / (?:is|was) (?<=\b(?:password|passcode|passphrase|pin)\s+(?:is|was) )\s*:?\s*([^\s"'`]+)/dgi,
      span: 'group',
      minLength: 11,
      needs: F_SPACE,
      validate: credentialValue(4),
    },
  ],
};

/**
 * Payment cards: 13-19 digits, contiguous or in the printed groupings (4-4-4-4[-3], 4-6-5, 4-6-4) with
 * one kind of separator; a known issuer prefix and length; Luhn. A grouped candidate may run on into
 * what follows (an expiry or CVV: `4111 1111 1111 1111 12 26`, or another card): it is retried without
 * its last group until a card is found or fewer than 13 digits are left.
 */
function cardCandidate(candidate: string): boolean | number {
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

const cards: Detector = {
  kind: 'cards',
  rules: [
    {
      id: 'card',
      kind: 'cards',
      marker: MARKERS.cards,
      re: /(?<![\w.])(?:\d{13,19}(?![\w]|\.\d)|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,4}){0,3}(?!\w)|\d{4}([ -])\d{6}\2\d{4,5}(?:\2\d{1,4}){0,3}(?!\w))/g,
      minLength: 13,
      minDigits: 13,
      // The digits of a card in one of the shapes, without the boundary checks: half the cost of the rule.
      hint: (t) => CARD_SHAPE.test(t),
      validate: cardCandidate,
    },
  ],
};

/** IBAN: country code, 2 check digits, the country's length, mod 97; compact or in groups of 4. */
function ibanCandidate(candidate: string): boolean | number {
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
  // The IBAN must end where a group ends (the rest of the candidate is a following word).
  if (seen < expected || (end < candidate.length && candidate[end] !== ' ')) return false;
  return ibanValid(compact) ? end : false;
}

const nationalId: Detector = {
  kind: 'national_id',
  rules: [
    {
      // US SSN, written 123-45-6789 or 123 45 6789, with the SSA's area/group/serial rules.
      id: 'us_ssn',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-]|\d )\d{3}([- ])\d{2}\1\d{4}(?![\w-]|\.\d|\1\d)/g,
      minLength: 11,
      minDigits: 9,
      validate: (c) => ssnValid(c.slice(0, 3), c.slice(4, 6), c.slice(7)),
    },
    {
      // UK National Insurance number: AB123456C or AB 12 34 56 C; issued prefixes only.
      id: 'uk_nino',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![A-Za-z0-9])/g,
      minLength: 9,
      minDigits: 6,
      validate: (c) => ninoPrefixValid(c.slice(0, 2)),
    },
    {
      id: 'iban',
      kind: 'national_id',
      marker: MARKERS.iban,
      re: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{1,4}){3,8})(?![A-Za-z0-9])/g,
      minLength: 15,
      minDigits: 2,
      validate: ibanCandidate,
    },
    {
      // Spanish DNI (12345678Z) and NIE (X1234567L), check letter mod 23.
      id: 'es_dni',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w-])(?:\d{8}|[XYZ]-?\d{7})-?[A-HJ-NP-TV-Z](?![\w-])/g,
      minLength: 9,
      minDigits: 7,
      validate: (c) => spanishIdValid(c.replace(/-/g, '')),
    },
    {
      // Brazilian CPF, written 123.456.789-09; two mod-11 check digits.
      id: 'br_cpf',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w-]|\.\d)/g,
      minLength: 14,
      needs: F_SEP,
      minDigits: 11,
      validate: (c) => cpfValid(c.replace(/\D/g, '')),
    },
    {
      // Indian Aadhaar, written 2345 6789 0123 or with dashes: first digit 2-9, Verhoeff check digit.
      id: 'in_aadhaar',
      kind: 'national_id',
      marker: MARKERS.national_id,
      re: /(?<![\w.-]|\d )[2-9]\d{3}([ -])\d{4}\1\d{4}(?![\w]|[ -]\d)/g,
      minLength: 14,
      minDigits: 12,
      validate: (c) => verhoeffValid(c.replace(/\D/g, '')),
    },
  ],
};

const email: Detector = {
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

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_SOURCE = `${OCTET}(?:\\.${OCTET}){3}`;

/** Not someone's address: unspecified, loopback, broadcast and netmasks (255.255.255.0). */
function ipv4Notable(ip: string): boolean {
  if (ip === '0.0.0.0' || ip.startsWith('127.') || ip.startsWith('255.')) return false;
  return true;
}

/** A dotted quad right after a version word is a version: `version 1.2.0.4`, `firmware 2.1.0.3`, `build 4.0.0.1`. */
const VERSION_CONTEXT =
  /(?:\bv|\bver|\bversion|\brelease|\bbuild|\bfirmware|\bfw|\bpatch|\bsdk|\bdriver|(?:up|down)grad(?:e|ed|ing) to|updat(?:e|ed|ing) to)\.?\s*(?:is\s+|:\s*|#\s*|=\s*)?$/i;

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV4_EXACT = new RegExp(`^${IPV4_SOURCE}$`);

/** RFC 4291 text forms, full or `::`-compressed, optionally ending in dotted IPv4; not `::` or `::1`. */
function ipv6Valid(c: string): boolean {
  let body = c;
  let extra = 0; // a dotted IPv4 tail stands for two groups
  if (c.includes('.')) {
    const lastColon = c.lastIndexOf(':');
    if (!IPV4_EXACT.test(c.slice(lastColon + 1))) return false;
    body = c[lastColon - 1] === ':' ? c.slice(0, lastColon + 1) : c.slice(0, lastColon);
    extra = 2;
  }
  const dbl = body.indexOf('::');
  if (dbl !== body.lastIndexOf('::') || body.includes(':::')) return false;
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const groups = dbl < 0 ? split(body) : [...split(body.slice(0, dbl)), ...split(body.slice(dbl + 2))];
  for (const g of groups) if (!HEX_GROUP.test(g)) return false;
  const total = groups.length + extra;
  if (dbl < 0 ? total !== 8 : total > 7) return false;
  if (extra > 0) return true;
  if (body === '::' || body === '::1') return false;
  // Compressed forms need a digit and some substance: not `a::b`, `add::dec` (C++ scopes and the like).
  return dbl < 0 || (HAS_DIGIT.test(body) && (groups.length >= 3 || groups.some((g) => g.length === 4)));
}

const ip: Detector = {
  kind: 'ip',
  rules: [
    {
      id: 'ipv6',
      kind: 'ip',
      marker: MARKERS.ip,
      // Starts at the first `:`; the group before it (group 1) is matched by a lookbehind.
      re: new RegExp(
        `:(?<=(?<![\\w:.])([0-9A-Fa-f]{0,4}):)(?:[0-9A-Fa-f]{0,4}:){1,7}(?:${IPV4_SOURCE}|[0-9A-Fa-f]{1,4})?(?![\\w:]|\\.\\d)`,
        'dg',
      ),
      span: 'group-to-end',
      minLength: 7,
      needs: F_COLON_EQ,
      hint: mayHoldIpv6,
      validate: ipv6Valid,
    },
    {
      id: 'ipv4',
      kind: 'ip',
      marker: MARKERS.ip,
      re: new RegExp(`(?<![\\w.])${IPV4_SOURCE}(?![\\w]|\\.\\d)`, 'g'),
      minLength: 7,
      needs: F_SEP,
      minDigits: 4,
      validate: (c, text, start) => ipv4Notable(c) && !VERSION_CONTEXT.test(text.slice(Math.max(0, start - 32), start)),
    },
  ],
};

/** Digit count within [min, max]. */
const digitsBetween = (min: number, max: number) => (c: string) => {
  const n = digitCount(c);
  return n >= min && n <= max;
};

const phone: Detector = {
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
      validate: digitsBetween(11, 17),
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
      // 030 12345678, (02) 9876 5432. 9-12 digits; with only two groups at least 10 (not ZIP+4 02134-1234).
      id: 'phone_trunk',
      kind: 'phone',
      marker: MARKERS.phone,
      re: /(?<![\w+#./-]|\d[ -])(?:\(0[1-9]\d{0,3}\)|0[1-9]\d{0,3})(?:[ -]\d{2,8}){1,4}(?![\w/-]|\.\d)/g,
      minLength: 10,
      minDigits: 9,
      validate: (c) => {
        const n = digitCount(c);
        const parts = c.split(/[ -]+/).length;
        return n >= (parts === 2 ? 10 : 9) && n <= 12;
      },
    },
  ],
};

/** All detectors, in priority order. */
export const DETECTORS: readonly Detector[] = [secrets, cards, nationalId, email, ip, phone];

/** The rules of the given kinds, in priority order. */
export function rulesFor(kinds: ReadonlySet<DetectorKind>): Rule[] {
  return DETECTORS.filter((d) => kinds.has(d.kind)).flatMap((d) => d.rules);
}
