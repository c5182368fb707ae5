/*
 * Secrets: provider keys with a recognisable prefix, and values in a credential context (`password=`,
 * `api_key:`, `Bearer `, `Authorization: Basic`, `user:pass@` in URLs, "my PIN is"). Most rules start at
 * a rare character (`:`, `=`, `-`, `_`, `.`) and look behind it for their keyword or prefix: far cheaper
 * than trying a keyword at every position of ordinary text.
 */
import { type Detector, F_AT, F_COLON_EQ, F_SEP, F_SPACE, HAS_DIGIT, includesAny, MARKERS } from './rule';

/** `:` or `=` somewhere: single-character searches cost next to nothing. */
const hasAssignment = (text: string) => text.indexOf(':') >= 0 || text.indexOf('=') >= 0;

const HAS_LETTER = /[A-Za-z]/;

/** A provider token has letters and digits; `sk-this-is-not-a-key` has no digit. */
const tokenLooksRandom = (s: string) => HAS_DIGIT.test(s) && HAS_LETTER.test(s);

const MAX_BEARER = 2048;
const BEARER_END = /[^A-Za-z0-9._~+/=-]/g;

/**
 * A bearer token: letters and digits, or a long mixed-case string (not `Bearer authentication`); a
 * trailing `.` ends the sentence, not the token. Returns the length to redact.
 */
function bearerToken(candidate: string, text: string, start: number): boolean | number {
  const s = candidate.replace(/\.+$/, '');
  if (!(tokenLooksRandom(s) || (s.length >= 20 && /[a-z]/.test(s) && /[A-Z]/.test(s)))) return false;
  if (candidate.length < MAX_BEARER) return s.length;
  // The regex stops at 2048 characters (a rejected candidate costs little); a longer token is all secret.
  BEARER_END.lastIndex = start + candidate.length;
  const m = BEARER_END.exec(text);
  return text.slice(start, m === null ? text.length : m.index).replace(/\.+$/, '').length;
}

/** Credentials after `Authorization: Basic`: a trailing `.` ends the sentence. */
const withoutFinalDots = (candidate: string): boolean | number => candidate.replace(/\.+$/, '').length || false;

/** Placeholders that are not secrets: `****`, `xxxx`, `null`, `<your-key>`, `${API_KEY}`, `%PASSWORD%`. */
const PLACEHOLDER =
  /^(?:[*xX•.#_-]+|null|none|nil|undefined|true|false|redacted|hidden|masked|placeholder|your[_-].*)$|^(?:\$|%|\{\{|process\.env|os\.environ|env\.)/i;

/**
 * Code, not a credential: a reference (`config.secret_key`, `self.token`), a name without digits
 * (`user_password`, `getToken`), a path (`PWD=/home/jane`) or a URL.
 */
const CODE_REFERENCE =
  /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|^[A-Za-z_$]+$|^(?:~|\.{1,2})?\/|^[A-Za-z]:\\|^[a-z][a-z0-9+.-]*:\/\//;

/** `)` `]` `}` `>` and the bracket each closes. */
const OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/**
 * Drops what ends the sentence around a value: trailing `.,;:`, and a closing bracket the value never
 * opened ("(my PIN is 4821)."). `!` and `?` stay: passwords end in them more often than sentences do.
 */
function withoutTrailingPunctuation(candidate: string): string {
  let value = candidate.replace(/[.,;:]+$/, '');
  while (value.length > 0 && OPENER[value[value.length - 1]] !== undefined && !value.includes(OPENER[value[value.length - 1]])) {
    value = value.slice(0, -1).replace(/[.,;:]+$/, '');
  }
  return value;
}

/**
 * A value after `password=`, `token:`, "my PIN is"...: at least `min` characters once the sentence's
 * punctuation is dropped; not a placeholder or code; with a digit or symbol, or long and mixed-case, so
 * `password: required` or `token: expired` stay. Returns the length to redact.
 */
function credentialValue(min: number) {
  return (candidate: string): boolean | number => {
    const value = withoutTrailingPunctuation(candidate);
    if (value.length < min || PLACEHOLDER.test(value) || CODE_REFERENCE.test(value)) return false;
    const symbolic = HAS_DIGIT.test(value) || /[^A-Za-z0-9]/.test(value);
    const mixedLong = value.length >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value);
    return symbolic || mixedLong ? value.length : false;
  };
}

/**
 * `secret` (Secret, SECRET) or an AWS access key id's prefix: the text may hold an AWS secret access key.
 * One regex test: a quarter of the cost of four indexOf calls.
 */
const AWS_SECRET_HINT = /ecret|ECRET|A[KS]IA/;
const mentionsAwsSecret = (text: string) => AWS_SECRET_HINT.test(text);

/**
 * An AWS secret access key is random base64: both cases and a digit or `/` `+` (a 40-character hex hash
 * or an upper-case word run is not one).
 */
const awsSecretKey = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s);

/** The name in front of a quoted value: `DB_PASSWORD="` → DB_PASSWORD. */
const NAME_BEFORE_QUOTE = /([A-Za-z_][\w.-]{0,63})\\?["']?\s{0,3}[:=]\s?\\?["']$/;

/** A name that says its value is a credential (wider than the keywords: `DB_PASS`, `SIGNING_KEY`, `SMTP_PW`). */
const CREDENTIAL_NAME = /pass|pwd|pw\b|secret|token|key|auth|cred|pin\b|private|salt|cert/i;

const credentialOf6 = credentialValue(6);
const ASSIGNMENT_NAME = /^[A-Za-z_][\w.-]*[:=]$/;

/** The longest value the assignment rule's regex takes (so a rejected candidate costs little). */
const MAX_VALUE = 256;
/** What ends an assigned value: the characters the rule's value class leaves out. */
const VALUE_END = /[\s"'`\\,;<>()[\]{}]/g;

/** A value the regex cut at its cap goes on to the end of its run (a 600-character token is all secret). */
function toEndOfRun(text: string, end: number): number {
  VALUE_END.lastIndex = end;
  const m = VALUE_END.exec(text);
  return m === null ? text.length : m.index;
}

/**
 * A credential assignment's value. When the value is quoted after a name of its own (`credential:
 * DB_NAME="orders_2024"`), that inner name decides: a credential's name, or not a credential.
 */
function assignedCredential(candidate: string, text: string, start: number): boolean | number {
  const before = text.charCodeAt(start - 1);
  if (before === 34 /* " */ || before === 39 /* ' */) {
    // Also `\"`: a quote escaped in JSON that sits in ordinary text.
    const name = NAME_BEFORE_QUOTE.exec(text.slice(Math.max(0, start - 72), start));
    if (name !== null && !CREDENTIAL_NAME.test(name[1])) return false;
  }
  // `NAME=` alone: the value follows in quotes and starts with something the value class leaves out (a
  // marker from the JSON pass, a bracket). The name is not the secret.
  if (ASSIGNMENT_NAME.test(candidate)) return false;
  const verdict = credentialOf6(candidate);
  // Extended only once accepted: extending every rejected candidate would rescan the run from each anchor.
  if (verdict === false || candidate.length < MAX_VALUE) return verdict;
  return withoutTrailingPunctuation(text.slice(start, toEndOfRun(text, start + MAX_VALUE))).length;
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

export const secrets: Detector = {
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
      // JWTs: header and payload are base64url JSON objects, so both start with `eyJ` ({"). A JWT starts
      // where no base64url character precedes it: `\b` would start again after every `-` of a long run and
      // rescan the rest of it from there (quadratic on `eyJ…-eyJ…-…`).
      id: 'jwt',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
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
      // The body is capped (keys are under 300 characters) so a rejected candidate costs little.
      re: /[-_.](?<=\b(sk|[sr]k_live|[sr]k_test|whsec|gh[pousr]|github_pat|glpat|xox[abposr]|ya29|GOCSPX|hf|gsk|xai|r8|pplx|npm|SG)[-_.])[A-Za-z0-9_.+/=-]{10,400}/dg,
      span: 'group-to-end',
      minLength: 20,
      needs: F_SEP,
      minDigits: 1,
      validate: providerKey,
    },
    {
      // Keys without a separator: AWS access key ids (AKIA, ASIA, ABIA, ACCA; 16 characters of base32 after
      // the prefix, so one in 28 has no digit) and Google API keys (AIza). Also right after an escaped
      // newline (`\nAKIA…`: a credentials file inside a JSON string inside ordinary text).
      id: 'provider_key_a',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /(?:\b|(?<=\\[nrt]))A(?:(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}|Iza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
      minLength: 20,
      validate: (c) => c[1] !== 'I' || tokenLooksRandom(c),
    },
    {
      // AWS secret access keys have no prefix: 40 characters of base64 shortly after their access key id
      // (credentials.csv `AKIA…,wJalr…`, "access key AKIA… secret wJalr…") or after the word secret
      // (`aws_secret_access_key = …`, `AWS Secret Access Key [None]: …`, `"SecretAccessKey": "…"`,
      // `--secret-access-key …`). The gap is bounded, so each anchor costs the same on any text.
      id: 'aws_secret',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /(?:(?:\b|(?<=\\[nrt]))A[KS]IA[A-Z0-9]{16}|secret)[\s\S]{0,64}?(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
      span: 'group',
      minLength: 46,
      hint: mentionsAwsSecret,
      validate: awsSecretKey,
    },
    {
      // `Bearer <token>`: the word stays, the token goes.
      id: 'bearer',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: new RegExp(`\\b(?:[Bb]earer|BEARER)\\s+([A-Za-z0-9._~+/-]{12,${MAX_BEARER}}=*)`, 'dg'),
      span: 'group',
      minLength: 19,
      needs: F_SPACE,
      validate: bearerToken,
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
      validate: withoutFinalDots,
    },
    {
      // The password in `scheme://user:password@host`. Starts at `://` and looks behind it for the scheme
      // (a scheme tried at every word start would rescan a long dotted or dashed run from each of its dots).
      id: 'url_password',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: /:\/\/(?<=\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s/:@"'<>]*:([^\s/@"'<>]+)@/dg,
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
      // A value that is itself a quoted assignment (`credential: DB_PASSWORD="..."`) is the quoted part: the
      // name before it is skipped, or the marker would land on the name and the quotes keep the value.
      // Quotes may be escaped (`\"`: JSON inside ordinary text).
      id: 'credential_assignment',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: new RegExp(
        `[:=](?<=(?:${CREDENTIAL_KEYWORDS})\\\\?["']?\\s{0,3}[:=])\\s*\\\\?["']?(?:[A-Za-z_][\\w.-]{0,63}\\s?[:=]\\s?\\\\?["'])?([^\\s"'\`\\\\,;<>()[\\]{}]{1,${MAX_VALUE}})`,
        'dgi',
      ),
      span: 'group',
      minLength: 9,
      needs: F_COLON_EQ,
      hint: hasAssignment,
      validate: assignedCredential,
    },
    {
      // "my password is Summer2024!", "the PIN was 4821", "my password is 'correct horse battery'". A bare
      // value ends at a space, a quote or an HTML tag (`<td>my PIN is 4821</td>`).
      id: 'credential_prose',
      kind: 'secrets',
      marker: MARKERS.secrets,
      re: / (?:is|was)\b(?<=\b(?:password|passcode|passphrase|pin)\s+(?:is|was))\s*:?\s*(?:"([^"\n]{4,64})"|'([^'\n]{4,64})'|((?:[^\s"'`<]|<(?![/A-Za-z]))+))/dgi,
      span: 'group',
      minLength: 11,
      needs: F_SPACE,
      validate: credentialValue(4),
    },
  ],
};
