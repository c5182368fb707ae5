/*
 * For a version-matrix run (not `npm test`: the file name does not end in .test.ts), next to the
 * @google/genai tests. Proves that jest's moduleNameMapper really points `@google/genai` at the copy in
 * GOOGLE_GENAI_SDK_DIR, so a passing run is a run against that version.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

describe('@google/genai SDK under test', () => {
  const dir = process.env.GOOGLE_GENAI_SDK_DIR;
  const expected = process.env.GOOGLE_GENAI_EXPECTED_VERSION;

  it(`is the copy in GOOGLE_GENAI_SDK_DIR (@google/genai@${expected})`, () => {
    expect(dir).toBeTruthy();
    expect(require.resolve('@google/genai').startsWith(join(resolve(dir!), ''))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir!, 'package.json'), 'utf8')).version).toBe(expected);
    expect(typeof require('@google/genai').GoogleGenAI).toBe('function');
  });
});
