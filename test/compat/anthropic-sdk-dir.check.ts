/*
 * For a run of the Anthropic integration tests against another copy of @anthropic-ai/sdk (not run by
 * `npm test`: the file name does not end in .test.ts). Proves that jest's moduleNameMapper really points
 * `@anthropic-ai/sdk` and `@anthropic-ai/sdk/*` at the copy under test (ANTHROPIC_SDK_DIR), so a passing run
 * is a run against that version (ANTHROPIC_EXPECTED_VERSION).
 */
import { join, resolve } from 'node:path';

describe('@anthropic-ai/sdk under test', () => {
  const dir = process.env.ANTHROPIC_SDK_DIR;
  const expected = process.env.ANTHROPIC_EXPECTED_VERSION;

  it(`is the copy in ANTHROPIC_SDK_DIR (@anthropic-ai/sdk@${expected})`, () => {
    expect(dir).toBeTruthy();
    expect(require.resolve('@anthropic-ai/sdk').startsWith(join(resolve(dir!), ''))).toBe(true);
    expect(require('@anthropic-ai/sdk/version').VERSION).toBe(expected);
    const Anthropic = require('@anthropic-ai/sdk');
    expect(typeof (Anthropic.Anthropic ?? Anthropic)).toBe('function');
  });
});
