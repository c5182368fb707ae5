/*
 * Run by scripts/test-versions.mjs next to the openai integration tests (not by `npm test`: the file
 * name does not end in .test.ts). Proves that jest's moduleNameMapper really points `openai` and
 * `openai/*` at the copy under test, so a passing run is a run against that version.
 */
import { join } from 'node:path';

describe('openai SDK under test', () => {
  const dir = process.env.OPENAI_SDK_DIR;
  const expected = process.env.OPENAI_EXPECTED_VERSION;

  it(`is the copy in OPENAI_SDK_DIR (openai@${expected})`, () => {
    expect(dir).toBeTruthy();
    expect(require.resolve('openai').startsWith(join(dir!, ''))).toBe(true);
    expect(require('openai/version').VERSION).toBe(expected);
    const OpenAI = require('openai');
    expect(typeof (OpenAI.OpenAI ?? OpenAI)).toBe('function');
  });
});
