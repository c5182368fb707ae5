/*
 * An ES module app using LangChain.js, for `node --import opentelemetry-instrumentation-genai/register
 * langchain-esm-app.mjs`: its spans prove the ESM loader hook reached @langchain/core's own ESM files
 * (dist/callbacks/manager.js, imported by relative paths inside the package), a separate set of classes
 * from the CommonJS build. Env: OPENAI_BASE_URL_FOR_TEST. Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { ChatOpenAI } from '@langchain/openai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { report, requiredEnv, runChain, runMain, wrapState } = require('./langchain-common.cjs');

runMain(async () => {
  const calls = await runChain({ ChatPromptTemplate, StringOutputParser, ChatOpenAI }, requiredEnv('OPENAI_BASE_URL_FOR_TEST'));
  report({
    app: 'esm',
    coreEntry: fileURLToPath(import.meta.resolve('@langchain/core/callbacks/manager')),
    esmAndCjsDistinct: CallbackManager !== require('@langchain/core/callbacks/manager').CallbackManager,
    ...wrapState(CallbackManager),
    calls,
  });
});
