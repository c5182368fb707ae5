/*
 * The README's rows for the content byte budget (the OTEL_INSTRUMENTATION_GENAI_MAX_CONTENT_BYTES env var
 * and the maxContentBytes option) say what resolveTruncationSettings does: each claim is read from the
 * row (the default, the minimum a smaller value is raised to, what counts as not a number) and checked
 * against the code, so the two cannot drift apart again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import {
  DEFAULT_MAX_CONTENT_BYTES,
  MAX_CONTENT_BYTES_ENV,
  MIN_CONTENT_BYTES,
  resolveTruncationSettings,
} from '../../src/core/truncation';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

/**
 * The cells of the reference-table row (name, type or values, default, meaning) whose first cell is `name`
 * in backticks; the two-column option-to-variable table names it too.
 */
function row(name: string): string[] {
  const cells = readme
    .split('\n')
    .filter((l) => l.startsWith(`| \`${name}\` |`))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()))
    .find((c) => c.length >= 4);
  if (cells === undefined) throw new Error(`no README table row for ${name}`);
  return cells;
}

/** The number in "Below N: raised to M" (any case), which must say the same number twice. */
function raisedTo(text: string): number {
  const m = /below (\d+)[^.|]*?raised to (\d+)/i.exec(text);
  if (m === null) throw new Error(`the README does not say what a value below the minimum becomes: ${JSON.stringify(text)}`);
  expect(m[1]).toBe(m[2]);
  return Number(m[2]);
}

beforeAll(() => diag.disable()); // the warnings are tested in truncation.test.ts

describe('README: the content byte budget', () => {
  it('env var row: default, minimum, and what is not a positive integer', () => {
    const [, values, dflt, meaning] = row(MAX_CONTENT_BYTES_ENV);
    const budget = (raw: string) => resolveTruncationSettings({}, { [MAX_CONTENT_BYTES_ENV]: raw }).maxContentBytes;

    expect(dflt).toBe(`\`${DEFAULT_MAX_CONTENT_BYTES}\``);
    expect(budget('')).toBe(DEFAULT_MAX_CONTENT_BYTES);

    const min = raisedTo(meaning);
    expect(min).toBe(MIN_CONTENT_BYTES);
    for (const small of ['1', '100', String(min - 1)]) expect([small, budget(small)]).toEqual([small, min]);
    expect(budget(String(min))).toBe(min);
    expect(budget(String(min + 1))).toBe(min + 1);

    expect(values).toBe('positive integer');
    expect(meaning).toMatch(/not a positive integer: diag warning and the default/i);
    for (const bad of ['0', '-5', '1.5', '64k', 'abc']) expect([bad, budget(bad)]).toEqual([bad, DEFAULT_MAX_CONTENT_BYTES]);
  });

  it('option row: default and minimum', () => {
    const [, type, dflt, meaning] = row('maxContentBytes');
    const budget = (value: number) => resolveTruncationSettings({ maxContentBytes: value }, {}).maxContentBytes;
    expect(type).toBe('`number`');
    expect(dflt).toBe(`\`${DEFAULT_MAX_CONTENT_BYTES}\``);
    const min = raisedTo(meaning);
    expect(min).toBe(MIN_CONTENT_BYTES);
    expect(budget(1)).toBe(min);
    expect(budget(min - 1)).toBe(min);
    expect(budget(min + 1)).toBe(min + 1);
  });
});
