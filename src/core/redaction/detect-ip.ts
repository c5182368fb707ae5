/*
 * IP addresses: IPv4 with valid octets, IPv6 in its full and compressed forms. Left alone: unspecified,
 * loopback, broadcast and netmask values, and a dotted quad that is a version or a section number by
 * what surrounds it (`version 1.2.0.4`, `section 1.2.8.9`, `§ 4.1.2.3`, `1.2.8.9 of the terms`).
 */
import { type Detector, F_COLON_EQ, F_SEP, HAS_DIGIT, MARKERS } from './rule';

/** An IPv6 address has `::` or seven colons. */
function mayHoldIpv6(text: string): boolean {
  if (text.includes('::')) return true;
  let at = -1;
  for (let n = 0; n < 7; n++) if ((at = text.indexOf(':', at + 1)) < 0) return false;
  return true;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_SOURCE = `${OCTET}(?:\\.${OCTET}){3}`;

/** Not someone's address: unspecified, loopback, broadcast and netmasks (255.255.255.0). */
function ipv4Notable(ip: string): boolean {
  if (ip === '0.0.0.0' || ip.startsWith('127.') || ip.startsWith('255.')) return false;
  return true;
}

/**
 * A dotted quad right after a version word is a version (`version 1.2.0.4`, `firmware 2.1.0.3`, `build
 * 4.0.0.1`); after a word that numbers a part of a text, a section number (`section 1.2.8.9`, `clause
 * 3.1.2.4`, `§ 4.1.2.3`, `art. 2.1.1.3`), also further along a list (`sections 1.2.8.9 and 1.2.8.10`).
 */
const VERSION_OR_SECTION_BEFORE = new RegExp(
  '(?:\\bv|\\bver|\\bversion|\\brelease|\\bbuild|\\bfirmware|\\bfw|\\bpatch|\\bsdk|\\bdriver|(?:up|down)grad(?:e|ed|ing) to|updat(?:e|ed|ing) to' +
    '|§|\\b(?:sections?|sect|sec|clauses?|cl|articles?|art|chapters?|ch|paragraphs?|paras?|parts?|appendix|annex|items?' +
    '|steps?|figures?|figs?|requirements?|reqs?|headings?|subsections?))' +
    '\\.?\\s*(?:is\\s+|:\\s*|#\\s*|=\\s*)?(?:\\d+(?:\\.\\d+)*\\s*(?:,|&|-|–|\\bto\\b|\\band\\b|\\bor\\b|\\bthrough\\b)\\s*){0,3}$',
  'i',
);

/** A dotted quad followed by "of the terms" (a document) is a section of that document. */
const SECTION_AFTER =
  /^\s*of\s+(?:the|our|your|this|that|these|its)\s+(?:\w+\s+)?(?:terms|agreement|policy|policies|contract|manual|guide|handbook|document|documentation|docs|spec|specification|standard|regulations?|code|act|law|rules|conditions|tos|sla|faq|guidelines|requirements|rfc|rfp|report|appendix|annex)\b/i;

/** A version or section number by its surroundings: words before it, or a document named after it (bounded windows). */
function versionOrSection(text: string, start: number, end: number): boolean {
  return VERSION_OR_SECTION_BEFORE.test(text.slice(Math.max(0, start - 48), start)) || SECTION_AFTER.test(text.slice(end, end + 64));
}

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
  // Compressed forms need a digit and some substance: not `a::b`, `add::dec` (C++ qualified names and the like).
  return dbl < 0 || (HAS_DIGIT.test(body) && (groups.length >= 3 || groups.some((g) => g.length === 4)));
}

export const ip: Detector = {
  kind: 'ip',
  rules: [
    {
      id: 'ipv6',
      kind: 'ip',
      marker: MARKERS.ip,
      // Starts at the first `:`; the group before it (group 1) is matched by a lookbehind. It may follow a
      // label's colon (`Details:2001:db8::1`) when the label does not end in a hex digit.
      re: new RegExp(
        `:(?<=(?:(?<![\\w:.])|(?<=[G-Zg-z]:))([0-9A-Fa-f]{0,4}):)(?:[0-9A-Fa-f]{0,4}:){1,7}(?:${IPV4_SOURCE}|[0-9A-Fa-f]{1,4})?(?![\\w:]|\\.\\d)`,
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
      validate: (c, text, start) => ipv4Notable(c) && !versionOrSection(text, start, start + c.length),
    },
  ],
};
