/*
 * Measures the redaction detectors on a corpus (test/fixtures/redaction-corpus, made by generate.mjs
 * there with a fixed seed):
 *  - seeded.json: support-chat prompts with 1-3 seeded secrets / PII values of every kind among ordinary
 *    numbers;
 *  - positioned.json: every format of every class (provider keys, AWS credentials in each layout,
 *    quoted nested credentials, long tokens, card brands and groupings, phone numbers with and without
 *    separators, emails, IPs, national ids, IBANs) in every position (alone, start, end, after
 *    punctuation, quotes, code, CSV, tables, HTML, JSON, JSON inside prose, lists);
 *  - clean.json: ordinary support-chat messages full of numbers that are not personal data, then
 *    near-misses of the rules (section and version numbers, mobile-shaped order numbers, ISBNs, invalid
 *    IBANs, base64 blobs and hashes near "secret", quoted assignments that are not credentials, long
 *    digit runs).
 * With all detectors on, every seeded value must be gone, replaced by the marker of its kind, and nothing
 * else changed (the exact expected text). With the default detectors, the values of the default kinds go
 * and every other value stays. Not one marker may appear in the clean corpus, in either mode. The whole
 * corpus is also redacted as one text of about a megabyte. The figures, per kind and per format, are
 * printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRedactor,
  DEFAULT_DETECTOR_KINDS,
  DETECTOR_KINDS,
  type DetectorKind,
  type RedactionContext,
} from '../../src/core/redaction';

interface Seeded {
  text: string;
  expected: string;
  seeded: Array<{ kind: DetectorKind; marker: string; value: string; format?: string; position?: string }>;
}

const dir = join(__dirname, '../fixtures/redaction-corpus');
const read = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const templated = read<Seeded[]>('seeded.json');
const positioned = read<Seeded[]>('positioned.json');
const seeded = [...templated, ...positioned];
const clean = read<string[]>('clean.json');
const CTX: RedactionContext = { field: 'input.messages' };
const MARKER = /\[REDACTED(?::[A-Z_]+)?\]/g;

const all = createRedactor({ detectors: 'all' }, {});
const byDefault = createRedactor(undefined, {});
const isDefault = (kind: DetectorKind) => DEFAULT_DETECTOR_KINDS.includes(kind);

interface Tally {
  seeded: number;
  caught: number;
}
const add = (map: Map<string, Tally>, key: string, caught: boolean) => {
  const row = map.get(key) ?? { seeded: 0, caught: 0 };
  row.seeded++;
  if (caught) row.caught++;
  map.set(key, row);
};
const table = (map: Map<string, Tally>) => [...map].map(([k, r]) => `  ${k.padEnd(12)} ${r.caught}/${r.seeded}`).join('\n');

describe('redaction corpus', () => {
  it('is big enough: every kind, every format in every position that can hold it, near-misses of every rule', () => {
    expect(templated.length).toBeGreaterThanOrEqual(120);
    expect(clean.length).toBeGreaterThanOrEqual(400);
    const kinds = new Set(seeded.flatMap((p) => p.seeded.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual([...DETECTOR_KINDS].sort());
    for (const p of seeded) expect(p.seeded.length).toBeGreaterThanOrEqual(1);
    const formats = new Set(positioned.map((p) => p.seeded[0].format));
    const positions = new Set(positioned.map((p) => p.seeded[0].position));
    expect(formats.size).toBeGreaterThanOrEqual(150);
    expect(positions.size).toBeGreaterThanOrEqual(17);
    // Every format is in at least 13 of the 17 positions (a CSV, TSV or table cell cannot hold a multi-line
    // value, quotes cannot hold a quoted one).
    for (const format of formats) {
      expect([format, new Set(positioned.filter((p) => p.seeded[0].format === format).map((p) => p.seeded[0].position)).size >= 13]).toEqual([format, true]);
    }
  });

  it('all detectors: 100% of seeded values caught, each by the marker of its kind, and nothing else changed', () => {
    const perKind = new Map<string, Tally>();
    const misses: string[] = [];
    for (const p of seeded) {
      const out = all.redactString(p.text, CTX);
      if (out !== p.expected) {
        const where = p.seeded[0].format ? ` [${p.seeded[0].format} / ${p.seeded[0].position}]` : '';
        misses.push(`expected ${JSON.stringify(p.expected)}\n     got ${JSON.stringify(out)}${where}`);
      }
      // Caught: the value is gone and its marker is where the expected text has it.
      for (const s of p.seeded) add(perKind, s.kind, !out.includes(s.value) && out === p.expected);
    }
    const total = [...perKind.values()].reduce((a, r) => ({ seeded: a.seeded + r.seeded, caught: a.caught + r.caught }), { seeded: 0, caught: 0 });
    console.log(
      `seeded corpus, all detectors: ${seeded.length} prompts (${templated.length} templated, ${positioned.length} positioned), ` +
        `${seeded.length - misses.length} redacted exactly as expected; ${total.caught}/${total.seeded} seeded values caught\n${table(perKind)}`,
    );
    expect(misses).toEqual([]);
    expect(total.caught).toBe(total.seeded);
  });

  it('all detectors: zero markers in the clean corpus', () => {
    const falsePositives = clean.filter((text) => all.redactString(text, CTX) !== text);
    console.log(`clean corpus, all detectors: ${clean.length} messages, ${clean.join('').length} characters, ${falsePositives.length} with a marker`);
    expect(falsePositives).toEqual([]);
  });

  it('default detectors (secrets, iban, cards): those seeded values caught, every other value left as it is, no marker in the clean corpus', () => {
    const perKind = new Map<string, Tally>();
    const wrong: string[] = [];
    for (const p of seeded) {
      const out = byDefault.redactString(p.text, CTX);
      // A prompt with default kinds only must come out exactly as with all detectors.
      if (p.seeded.every((s) => isDefault(s.kind)) && out !== p.expected) wrong.push(`${JSON.stringify(p.expected)}\n  got ${JSON.stringify(out)}`);
      for (const s of p.seeded) {
        const ok = isDefault(s.kind) ? !out.includes(s.value) && out.includes(s.marker) : out.includes(s.value);
        add(perKind, isDefault(s.kind) ? `${s.kind}` : `${s.kind} kept`, ok);
        if (!ok) wrong.push(`${s.kind} ${JSON.stringify(s.value)} in ${JSON.stringify(out)}`);
      }
    }
    const falsePositives = clean.filter((text) => byDefault.redactString(text, CTX) !== text);
    console.log(`seeded corpus, default detectors (caught, or kept for the opt-in kinds):\n${table(perKind)}\nclean corpus, default detectors: ${falsePositives.length} with a marker`);
    expect(wrong).toEqual([]);
    expect(falsePositives).toEqual([]);
  });

  it('through redactContent on messages: the count per piece is the number of seeded values', () => {
    let counted = 0;
    let expected = 0;
    for (const p of seeded) {
      const messages = [{ role: 'user', parts: [{ type: 'text', content: p.text }] }];
      const out = all.redactContent(messages, CTX);
      expect(out.value).toEqual([{ role: 'user', parts: [{ type: 'text', content: p.expected }] }]);
      counted += out.count;
      expected += (p.expected.match(MARKER) ?? []).length;
    }
    expect(counted).toBe(expected);
    expect(expected).toBe(seeded.reduce((n, p) => n + p.seeded.length, 0));
  });

  it('the whole corpus as one text of about a megabyte: the same result as prompt by prompt', () => {
    // Texts that are JSON are left out: inside a longer text they are text, not JSON to re-serialize.
    const once = [...seeded.filter((p) => !/^\s*[[{]/.test(p.text)).map((p) => [p.text, p.expected]), ...clean.map((t) => [t, t])];
    const parts = [...once, ...once, ...once];
    const separator = '\n\n-- next message, from another customer --\n\n';
    const text = parts.map(([t]) => t).join(separator);
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(all.redactString(text, CTX)).toBe(parts.map(([, e]) => e).join(separator));
  });
});
