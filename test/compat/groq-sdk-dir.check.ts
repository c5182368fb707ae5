/*
 * For a run of the Groq integration tests against another copy of groq-sdk (not run by `npm test`: the
 * file name does not end in .test.ts). Proves that jest's moduleNameMapper really points `groq-sdk` and
 * `groq-sdk/*` at the copy under test (GROQ_SDK_DIR), so a passing run is a run against that version
 * (GROQ_EXPECTED_VERSION).
 */
import { join, resolve } from 'node:path';

describe('groq-sdk under test', () => {
  const dir = process.env.GROQ_SDK_DIR;
  const expected = process.env.GROQ_EXPECTED_VERSION;

  it(`is the copy in GROQ_SDK_DIR (groq-sdk@${expected})`, () => {
    expect(dir).toBeTruthy();
    expect(require.resolve('groq-sdk').startsWith(join(resolve(dir!), ''))).toBe(true);
    expect(require('groq-sdk/version').VERSION).toBe(expected);
    const Groq = require('groq-sdk');
    expect(typeof (Groq.Groq ?? Groq)).toBe('function');
  });
});
