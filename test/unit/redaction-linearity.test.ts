/*
 * Every redaction rule, every detector and all of them together do work linear in the size of the text,
 * on inputs built to make a regex backtrack or a scan restart: many matches, many candidates that fail
 * at their last character, a rule's anchor repeated with each separator, one anchor followed by a run of
 * megabytes, runs of the characters rules start at.
 *
 * The measure: the growth of the cost, not the cost. The same adversarial pattern is scanned at 64 KiB
 * and at 16 times that (1 MiB) in this process, and the time of the large scan may be at most 3 × 16
 * times the time of the small one (linear work grows 16×; quadratic work 256×, n^1.5 64×). A ratio does
 * not depend on the machine's speed, and load is kept out by taking the fastest of a few runs of each
 * size (load only ever adds time) and by measuring a pattern again before calling it super-linear. Why
 * not CPU time: process.threadCpuUsage() advances in whole scheduler ticks (4 ms here), coarser than
 * most of these scans. Why not a count of the scanner's steps: the work that goes super-linear is inside
 * the regex engine (backtracking), which nothing in the process can count.
 *
 * Two guards keep the test quick and quiet: a quadratic rule fails on the 16 KiB → 64 KiB step already,
 * so it is never run on a megabyte (it would take minutes); and a small scan faster than 0.5 ms counts
 * as 0.5 ms, so timer noise on trivial work is not read as growth (super-linear work on 64 KiB of
 * adversarial text is never that fast).
 */
import { compileRules, scanText } from '../../src/core/redaction/scan';
import { createRedactor, DETECTOR_KINDS, DETECTORS, type RedactionContext } from '../../src/core/redaction';
import type { Rule } from '../../src/core/redaction/rule';

const SMALL = 64 * 1024;
const K = 16;
const FACTOR = 3;
const FLOOR_MS = 0.5;
const CTX: RedactionContext = { field: 'input.messages' };

/** Satisfies every rule's cheap pre-checks (characters needed, hints), so the regexes run on what follows. */
const PREFIX = 'password: x .eyJ @ :: a:b:c:d:e:f:g:h + PRIVATE KEY ://@ / secret AKIA 1234567890123\n';

/** Strings each rule matches: its adversarial inputs are made from them. */
const SAMPLES: Record<string, string[]> = {
  private_key: ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3\n-----END RSA PRIVATE KEY-----'],
  jwt: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
  provider_key: ['sk-proj-AbC123def456GHI789jkl012MNO345', 'xoxb-2048-123456789012-AbCdEfGhIjKlMnOp'],
  provider_key_a: ['AKIAIOSFODNN7EXAMPLE', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'],
  aws_secret: ['AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  bearer: ['Bearer abc123def456ghi789jkl'],
  authorization: ['Authorization: Basic dXNlcjpwYXNzd29yZA=='],
  url_password: ['postgres://admin:S3cr3t!@db.example.com'],
  webhook: ['https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx'],
  credential_assignment: ['password=hunter22', 'credential: DB_PASSWORD="Prodyy4joW_630"'],
  credential_prose: ['my password is Summer2024!'],
  iban: ['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000'],
  card: ['4111 1111 1111 1111', '4111111111111111'],
  us_ssn: ['123-45-6789'],
  uk_nino: ['AB 12 34 56 C'],
  es_dni: ['12345678Z'],
  br_cpf: ['111.444.777-35'],
  in_aadhaar: ['2363 2363 2360'],
  email: ['jane.doe+test@example.co.uk'],
  ipv6: ['2001:db8::8a2e:370:7334'],
  ipv4: ['192.168.1.10'],
  phone_intl: ['+44 20 7946 0958'],
  phone_00: ['0044 20 7946 0958'],
  phone_nanp: ['(415) 555-0132'],
  phone_trunk: ['020 7946 0958'],
  phone_dotted: ['06.12.34.56.78'],
  phone_slash: ['030/1234567'],
  phone_mobile: ['07700900123'],
};

/** Near misses: rejected after a check that reads around the candidate. */
const NEAR_MISSES: Record<string, string[]> = {
  ipv4: ['section 1.2.8.9', 'version 1.2.3.4'],
  aws_secret: ['secret da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  card: ['4111 1111 1111 1112', 'GB24 HBUK 3048 6144 2862 47'],
  credential_assignment: ['password=${PASSWORD}'],
};

/** Runs of the characters rules start at or repeat over, each a unit to repeat. */
const GENERIC_UNITS = [
  'a', '1', ' ', 'a.', '1.', 'a-', '1-', 'a_', 'a:', '1:', ':', '::', 'a@', '@.', 'a/', '1 ', '12 ', '1234 ',
  'a=', '=', '+1', '+1 ', '00 ', '0', '0.', '0/', 'A1', 'Aa1/', 'eyJ-', 'eyJa.', '.eyJ', 'sk-', 'AKIA', 'secret ',
  'password=', ' is ', 'Bearer ', '://', '\\', '\\n', '"', '[REDACTED]', '§ 1.', 'GB82 ',
];

interface Pattern {
  name: string;
  make: (size: number) => string;
}

const repeated = (name: string, unit: string): Pattern => ({
  name,
  make: (size) => PREFIX + unit.repeat(Math.ceil(size / unit.length)),
});

/**
 * Adversarial inputs from one sample: it repeated, cut short, its first half and its first three
 * characters with each separator, its first half followed by one long run of its last character.
 */
function patternsOf(sample: string): Pattern[] {
  const head = sample.slice(0, Math.ceil(sample.length / 2));
  const anchor = sample.slice(0, 3);
  const last = sample[sample.length - 1];
  const shown = (s: string) => JSON.stringify(s).slice(1, -1);
  return [
    repeated(`(${shown(sample)} )*`, `${sample} `),
    repeated(`(${shown(sample)})*`, sample),
    repeated(`(${shown(sample.slice(0, -1))} )*`, `${sample.slice(0, -1)} `),
    repeated(`(${shown(sample.slice(0, -1))})*`, sample.slice(0, -1)),
    ...['', ' ', '-', '.', '/', '=', '\n'].map((sep) => repeated(`(${shown(head + sep)})*`, head + sep)),
    ...['-', '.', ' '].map((sep) => repeated(`(${shown(anchor + sep)})*`, anchor + sep)),
    { name: `${shown(head)} ${shown(last)}*`, make: (size) => PREFIX + head + last.repeat(size) },
  ];
}

function fastest(run: () => void, reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

interface Growth {
  pattern: string;
  /** Time at 16× the size over time at the base size (or the step before it, for a rule that already failed there). */
  ratio: number;
  bound: number;
}

/** How the cost of `scan` grows from SMALL to K × SMALL bytes of `pattern` (see the header). */
function growth(scan: (text: string) => unknown, pattern: Pattern): Growth {
  const quarter = pattern.make(SMALL / 4);
  const small = pattern.make(SMALL);
  scan(quarter); // compile and tier up the regexes first
  let tQuarter = fastest(() => scan(quarter), 2);
  let tSmall = fastest(() => scan(small), 3);
  const step = () => tSmall / Math.max(tQuarter, FLOOR_MS / 4);
  if (step() > FACTOR * 4) {
    tQuarter = Math.min(tQuarter, fastest(() => scan(quarter), 5));
    tSmall = Math.min(tSmall, fastest(() => scan(small), 5));
    if (step() > FACTOR * 4) return { pattern: `${pattern.name} (16 KiB → 64 KiB)`, ratio: step(), bound: FACTOR * 4 };
  }
  const large = pattern.make(SMALL * K);
  let tLarge = fastest(() => scan(large), 2);
  const ratio = () => tLarge / Math.max(tSmall, FLOOR_MS);
  if (ratio() > FACTOR * K) {
    tSmall = Math.min(tSmall, fastest(() => scan(small), 5));
    tLarge = Math.min(tLarge, fastest(() => scan(large), 4));
  }
  return { pattern: pattern.name, ratio: ratio(), bound: FACTOR * K };
}

function worst(scan: (text: string) => unknown, patterns: Pattern[]): { worst: Growth; failures: Growth[] } {
  const all = patterns.map((p) => growth(scan, p));
  const failures = all.filter((g) => g.ratio > g.bound);
  return { worst: all.reduce((a, b) => (b.ratio / b.bound > a.ratio / a.bound ? b : a)), failures };
}

const rulesOf = (kind: string): Rule[] => DETECTORS.find((d) => d.kind === kind)!.rules as Rule[];
const summary: string[] = [];

afterAll(() => {
  console.log(`cost growth from 64 KiB to 1 MiB of adversarial text (linear: 16; bound ${FACTOR * K}):\n${summary.join('\n')}`);
});

describe('redaction work is linear in the text', () => {
  it('every rule has samples, and each sample is a match of its rule', () => {
    const ids = DETECTORS.flatMap((d) => d.rules.map((r) => r.id));
    expect(Object.keys(SAMPLES).sort()).toEqual([...ids].sort());
    for (const d of DETECTORS) {
      for (const rule of d.rules) {
        for (const sample of SAMPLES[rule.id]) expect([rule.id, scanText(sample, compileRules([rule])).count]).toEqual([rule.id, 1]);
      }
    }
  });

  describe.each(DETECTOR_KINDS.map((k) => [k]))('%s', (kind) => {
    it.each(rulesOf(kind).map((r) => [r.id, r]))('rule %s alone, on inputs made from its samples', (_id, rule) => {
      const compiled = compileRules([rule as Rule]);
      const { worst: w, failures } = worst(
        (text) => scanText(text, compiled),
        [...SAMPLES[(rule as Rule).id], ...(NEAR_MISSES[(rule as Rule).id] ?? [])].flatMap((s) => patternsOf(s)),
      );
      summary.push(`  rule ${(rule as Rule).id.padEnd(22)} worst ×${w.ratio.toFixed(1).padStart(5)}  ${w.pattern.slice(0, 70)}`);
      expect(failures).toEqual([]);
    });

    it('the whole detector, on runs of the characters rules start at', () => {
      const redactor = createRedactor({ detectors: [kind] }, {});
      const { worst: w, failures } = worst((text) => redactor.redactString(text, CTX), GENERIC_UNITS.map((u) => repeated(`(${JSON.stringify(u).slice(1, -1)})*`, u)));
      summary.push(`  detector ${kind.padEnd(18)} worst ×${w.ratio.toFixed(1).padStart(5)}  ${w.pattern.slice(0, 70)}`);
      expect(failures).toEqual([]);
    });
  });

  it('all detectors together: every sample many times over, as text and as JSON', () => {
    const redactor = createRedactor({ detectors: 'all' }, {});
    const samples = Object.values(SAMPLES).flat();
    const mixed = samples.join(' ') + ' ';
    const json = `[${samples.map((s) => JSON.stringify(`\n${s}`)).join(',')},`;
    let nested = 'jane@example.com';
    for (let i = 0; i < 8; i++) nested = JSON.stringify([nested, 'x@y.io']);
    const longRun = (name: string, head: string, unit: string): Pattern => ({ name, make: (size) => head + unit.repeat(size / unit.length) });
    const patterns: Pattern[] = [
      repeated('every sample, spaced', mixed),
      repeated('every sample, glued', samples.join('')),
      { name: 'a JSON array of every sample', make: (size) => `${json.repeat(Math.ceil(size / json.length))}""]` },
      { name: 'a JSON array of JSON nested 8 deep', make: (size) => `[${`${JSON.stringify(nested)},`.repeat(Math.ceil(size / (2 * nested.length)))}""]` },
      { name: 'a JSON array of escapes before values', make: (size) => `[${'"\\n4111111111111111 a@b.io",'.repeat(size / 28)}""]` },
      longRun('a domain of a megabyte', 'a@', 'a.'),
      longRun('a private key block without its end', '-----BEGIN PRIVATE KEY-----', 'A'),
      longRun('a bearer token of a megabyte', 'Bearer ', 'a'),
      repeated('long credential values', `password=${'a'.repeat(5000)} `),
    ];
    const { worst: w, failures } = worst((text) => redactor.redactString(text, CTX), patterns);
    summary.push(`  all detectors            worst ×${w.ratio.toFixed(1).padStart(5)}  ${w.pattern}`);
    expect(failures).toEqual([]);
  });
});
