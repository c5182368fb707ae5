/*
 * For a run of the Vercel AI SDK integration tests against another copy of `ai` (not run by `npm test`: the
 * file name does not end in .test.ts). Proves that jest's moduleNameMapper really points `ai` at the copy
 * under test (VERCEL_AI_SDK_DIR), so a passing run is a run against that version (VERCEL_AI_EXPECTED_VERSION),
 * and that `@ai-sdk/openai` and `@ai-sdk/anthropic` are the providers installed with it (the same
 * @ai-sdk/provider major as that `ai`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

describe('ai (Vercel AI SDK) under test', () => {
  const dir = process.env.VERCEL_AI_SDK_DIR;
  const expected = process.env.VERCEL_AI_EXPECTED_VERSION;
  const providerMajor = (pkgDir: string) =>
    JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).dependencies['@ai-sdk/provider'].replace(/^\D*/, '').split('.')[0];

  it(`is the copy in VERCEL_AI_SDK_DIR (ai@${expected}) with its providers`, () => {
    expect(dir).toBeTruthy();
    const modules = dirname(resolve(dir!));
    expect(require.resolve('ai').startsWith(join(resolve(dir!), ''))).toBe(true);
    expect(require('ai/package.json').version).toBe(expected);
    expect(typeof require('ai').generateText).toBe('function');
    for (const provider of ['@ai-sdk/openai', '@ai-sdk/anthropic']) {
      expect(require.resolve(provider).startsWith(join(modules, provider, ''))).toBe(true);
      expect(providerMajor(join(modules, provider))).toBe(providerMajor(resolve(dir!)));
    }
  });
});
