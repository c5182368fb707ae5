/*
 * The redactor remembers what its rules made of recent strings (src/core/redaction/scan-memo.ts). A
 * remembered result must be exactly what a new scan gives, on every corpus text and on generated
 * conversations that repeat and vary strings; the app's hook must still run on every call; and the memo
 * must stay within its bounds whatever it is fed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedactor, type RedactionContext } from '../../src/core/redaction';
import { rememberedStrings } from '../../src/core/redaction/redactor';
import { ScanMemo } from '../../src/core/redaction/scan-memo';
import type { ScanResult } from '../../src/core/redaction/scan';

const dir = join(__dirname, '../fixtures/redaction-corpus');
const read = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const corpus: string[] = [
  ...read<Array<{ text: string }>>('seeded.json').map((s) => s.text),
  ...read<Array<{ text: string }>>('positioned.json').map((s) => s.text),
  ...read<string[]>('clean.json'),
];
const CTX: RedactionContext = { field: 'input.messages' };

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a redactor with its memo gives what a fresh scan gives', () => {
  for (const detectors of ['all', undefined] as const) {
    it(`every corpus text, seen once and again (detectors: ${detectors ?? 'default'})`, () => {
      const warm = createRedactor(detectors ? { detectors } : undefined, {});
      const first = corpus.map((text) => warm.redactContent(text, CTX));
      const again = corpus.map((text) => warm.redactContent(text, CTX));
      const fresh = corpus.map((text) => createRedactor(detectors ? { detectors } : undefined, {}).redactContent(text, CTX));
      expect(again).toEqual(fresh);
      expect(first).toEqual(fresh);
      expect(fresh.some((r) => r.count > 0)).toBe(true);
    });
  }

  it('generated conversations: a growing history with repeated, copied and edited strings', () => {
    const next = random(20261206);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const warm = createRedactor({ detectors: 'all' }, {});
    for (let conversation = 0; conversation < 40; conversation++) {
      const history: Array<{ role: string; content: string }> = [{ role: 'system', content: pick(corpus) }];
      for (let turn = 0; turn < 12; turn++) {
        const text = pick(corpus);
        // The same text as a new string object, edited by one character, or cut: keys the memo must tell apart.
        const variant = [text, `${text} `.slice(0, -1), text.slice(1), `${text}!`, text.toUpperCase()][Math.floor(next() * 5)]!;
        history.push({ role: turn % 2 ? 'assistant' : 'user', content: variant });
        const fresh = createRedactor({ detectors: 'all' }, {}).redactContent(history, CTX);
        expect(warm.redactContent(history, CTX)).toEqual(fresh);
      }
    }
  });

  it('the hook runs on every call, also for a remembered string, and sees the rules output', () => {
    const seen: string[] = [];
    const redactor = createRedactor({ hook: (value) => (seen.push(value), value.replace('Paris', 'P****')) }, {});
    const text = 'My card is 4111 1111 1111 1111, I live in Paris.';
    const a = redactor.redactString(text, CTX);
    const b = redactor.redactString(text, CTX);
    expect(a).toBe('My card is [REDACTED:CARD], I live in P****.');
    expect(b).toBe(a);
    expect(seen).toEqual(['My card is [REDACTED:CARD], I live in Paris.', 'My card is [REDACTED:CARD], I live in Paris.']);
  });
});

describe('the memo stays within its bounds', () => {
  const counting = () => {
    let scans = 0;
    const memo = new ScanMemo((text): ScanResult => {
      scans++;
      return { text: text.replace(/\d/g, '#'), count: /\d/.test(text) ? 1 : 0 };
    });
    return { memo, scans: () => scans };
  };

  it('remembers a string once, then answers from memory', () => {
    const { memo, scans } = counting();
    expect(memo.get('order 42')).toEqual({ text: 'order ##', count: 1 });
    expect(memo.get(['order', '42'].join(' '))).toEqual({ text: 'order ##', count: 1 });
    expect(scans()).toBe(1);
  });

  it('at most 1024 strings, the latest 512 at least: the oldest go first', () => {
    const { memo, scans } = counting();
    for (let i = 0; i < 5000; i++) {
      memo.get(`message ${i}`);
      expect(memo.size).toBeLessThanOrEqual(1024);
    }
    expect(memo.size).toBeGreaterThanOrEqual(512);
    memo.get('message 4489'); // among the latest 512: kept
    expect(scans()).toBe(5000);
    memo.get('message 0'); // evicted long ago
    expect(scans()).toBe(5001);
  });

  it('a string in use stays, however many new ones pass by', () => {
    const { memo, scans } = counting();
    for (let i = 0; i < 5000; i++) {
      memo.get('You are a support assistant.');
      memo.get(`question ${i}`);
    }
    expect(scans()).toBe(5001);
  });

  it('at most 2^20 characters of keys and results', () => {
    const { memo, scans } = counting();
    // 16,000 characters with digits: key and a different result, 32,000 characters per entry.
    for (let i = 0; i < 200; i++) {
      memo.get(`${i} `.padEnd(16_000, 'x7'));
      expect(memo.size * 32_000).toBeLessThanOrEqual(1 << 20);
    }
    memo.get(`199 `.padEnd(16_000, 'x7'));
    expect(scans()).toBe(200);
  });

  it('a string longer than 16,383 characters is scanned every time, never kept', () => {
    const { memo, scans } = counting();
    const long = 'a'.repeat(16_384);
    memo.get(long);
    memo.get(long);
    expect(scans()).toBe(2);
    expect(memo.size).toBe(0);
    memo.get('a'.repeat(16_383));
    expect(memo.size).toBe(1);
  });
});

describe('the redactor uses its memo', () => {
  it('a string is scanned once and remembered; seen again, it is answered from memory with the same result', () => {
    const text = 'My card is 4111 1111 1111 1111, please refund it.';
    const redactor = createRedactor(undefined, {});
    expect(rememberedStrings(redactor)).toBe(0);
    expect(redactor.redactString(text, CTX)).toBe('My card is [REDACTED:CARD], please refund it.');
    expect(rememberedStrings(redactor)).toBe(1);
    expect(redactor.redactContent([{ role: 'user', parts: [{ type: 'text', content: text }] }], CTX)).toEqual({
      value: [{ role: 'user', parts: [{ type: 'text', content: 'My card is [REDACTED:CARD], please refund it.' }] }],
      dropped: false,
      count: 1,
    });
    // `role`, `type` and the text: the short strings are below every rule's minimum length and never scanned.
    expect(rememberedStrings(redactor)).toBe(1);
    expect(rememberedStrings(createRedactor(undefined, {}))).toBe(0);
  });
});
