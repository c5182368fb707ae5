/*
 * For a run of the LangChain.js integration tests against another copy of @langchain/core (not run by
 * `npm test`: the file name does not end in .test.ts). Proves that jest's moduleNameMapper really points
 * `@langchain/core/*` at the copy under test (LANGCHAIN_CORE_SDK_DIR), for the tests and for the
 * @langchain/openai that loads it as a peer, so a passing run is a run against that version
 * (LANGCHAIN_CORE_EXPECTED_VERSION).
 */
import { join, resolve } from 'node:path';

describe('@langchain/core under test', () => {
  const dir = process.env.LANGCHAIN_CORE_SDK_DIR;
  const expected = process.env.LANGCHAIN_CORE_EXPECTED_VERSION;

  it(`is the copy in LANGCHAIN_CORE_SDK_DIR (@langchain/core@${expected})`, () => {
    expect(dir).toBeTruthy();
    const inDir = (path: string) => path.startsWith(join(resolve(dir!), ''));
    expect(inDir(require.resolve('@langchain/core/callbacks/manager'))).toBe(true);
    expect(require('@langchain/core/package.json').version).toBe(expected);
    // The class @langchain/openai's models extend is the one from the copy under test.
    const { BaseChatModel } = require('@langchain/core/language_models/chat_models');
    const { ChatOpenAI } = require('@langchain/openai');
    expect(ChatOpenAI.prototype instanceof BaseChatModel).toBe(true);
  });
});
