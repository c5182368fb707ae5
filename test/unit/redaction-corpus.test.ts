/*
 * Measures the redaction detectors on a corpus (test/fixtures/redaction-corpus, made by generate.mjs
 * there with a fixed seed):
 *  - seeded.json: support-chat prompts with 1-3 seeded secrets / PII values of every kind among ordinary
 *    numbers. With all detectors on, every seeded value must be gone, replaced by the marker of its kind,
 *    and nothing else changed (the exact expected text).
 *  - clean.json: ordinary support-chat messages full of numbers that are not personal data. Not one
 *    marker may appear.
 * The figures are printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedactor, DEFAULT_DETECTOR_KINDS, DETECTOR_KINDS, type DetectorKind, type RedactionContext } from '../../src/core/redaction';

interface Seeded {
  text: string;
  expected: string;
  seeded: Array<{ kind: DetectorKind; marker: string; value: string }>;
}

const dir = join(__dirname, '../fixtures/redaction-corpus');
const seeded: Seeded[] = JSON.parse(readFileSync(join(dir, 'seeded.json'), 'utf8'));
const clean: string[] = JSON.parse(readFileSync(join(dir, 'clean.json'), 'utf8'));
const CTX: RedactionContext = { field: 'input.messages' };
const MARKER = /\[REDACTED(?::[A-Z_]+)?\]/g;

const all = createRedactor({ detectors: 'all' }, {});

describe('redaction corpus', () => {
  it('is big enough and covers every kind', () => {
    expect(seeded.length).toBeGreaterThanOrEqual(120);
    expect(clean.length).toBeGreaterThanOrEqual(200);
    const kinds = new Set(seeded.flatMap((p) => p.seeded.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual([...DETECTOR_KINDS].sort());
    for (const p of seeded) expect(p.seeded.length).toBeGreaterThanOrEqual(1);
  });

  it('all detectors: 100% of seeded values caught, each by the marker of its kind, and nothing else changed', () => {
    const perKind = new Map<string, { seeded: number; caught: number }>();
    const misses: string[] = [];
    let exact = 0;
    for (const p of seeded) {
      const out = all.redactString(p.text, CTX);
      if (out === p.expected) exact++;
      else misses.push(`expected ${JSON.stringify(p.expected)}\n     got ${JSON.stringify(out)}`);
      for (const s of p.seeded) {
        const row = perKind.get(s.kind) ?? { seeded: 0, caught: 0 };
        row.seeded++;
        // Caught: the value is gone and its marker is where the expected text has it.
        if (!out.includes(s.value) && out === p.expected) row.caught++;
        perKind.set(s.kind, row);
      }
    }
    const total = [...perKind.values()].reduce((a, r) => ({ seeded: a.seeded + r.seeded, caught: a.caught + r.caught }), { seeded: 0, caught: 0 });
    console.log(
      `seeded corpus, all detectors: ${seeded.length} prompts, ${exact} redacted exactly as expected; ` +
        `${total.caught}/${total.seeded} seeded values caught\n` +
        [...perKind].map(([k, r]) => `  ${k.padEnd(12)} ${r.caught}/${r.seeded}`).join('\n'),
    );
    expect(misses).toEqual([]);
    expect(total.caught).toBe(total.seeded);
  });

  it('all detectors: zero markers in the clean corpus', () => {
    const falsePositives: string[] = [];
    let chars = 0;
    for (const text of clean) {
      chars += text.length;
      const out = all.redactString(text, CTX);
      if (out !== text) falsePositives.push(`${JSON.stringify(text)}\n  -> ${JSON.stringify(out)}`);
    }
    console.log(`clean corpus, all detectors: ${clean.length} messages, ${chars} characters, ${falsePositives.length} with a marker`);
    expect(falsePositives).toEqual([]);
  });

  it('default detectors (secrets, iban, cards): those seeded values caught, the other kinds left for opt-in', () => {
    const byDefault = createRedactor(undefined, {});
    const isDefault = (kind: DetectorKind) => DEFAULT_DETECTOR_KINDS.includes(kind);
    let defaults = 0;
    let caught = 0;
    let others = 0;
    let othersKept = 0;
    for (const p of seeded) {
      const out = byDefault.redactString(p.text, CTX);
      for (const s of p.seeded) {
        if (isDefault(s.kind)) {
          defaults++;
          if (!out.includes(s.value) && out.includes(s.marker)) caught++;
        } else {
          others++;
          if (out.includes(s.value)) othersKept++;
        }
      }
    }
    console.log(`seeded corpus, default detectors: ${caught}/${defaults} secrets, IBANs and cards caught; ${othersKept}/${others} values of other kinds left as they are`);
    expect(caught).toBe(defaults);
    expect(othersKept).toBe(others);
    for (const text of clean) expect(byDefault.redactString(text, CTX)).toBe(text);
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
});
