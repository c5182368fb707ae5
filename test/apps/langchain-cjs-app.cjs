/*
 * A CommonJS app using LangChain.js, for `node -r opentelemetry-instrumentation-genai/register
 * langchain-cjs-app.cjs`: require-in-the-middle patches @langchain/core's CommonJS files
 * (dist/callbacks/manager.cjs, dist/tools/index.cjs) as they load, and `openai` under @langchain/openai.
 * Env: OPENAI_BASE_URL_FOR_TEST (the mock server). Prints one line `GENAI_APP_RESULT {json}` on stdout.
 */
'use strict';
const { report, requiredEnv, runChain, runMain, wrapState } = require('./langchain-common.cjs');

runMain(async () => {
  const { ChatPromptTemplate } = require('@langchain/core/prompts');
  const { StringOutputParser } = require('@langchain/core/output_parsers');
  const { ChatOpenAI } = require('@langchain/openai');
  const { CallbackManager } = require('@langchain/core/callbacks/manager');
  const calls = await runChain({ ChatPromptTemplate, StringOutputParser, ChatOpenAI }, requiredEnv('OPENAI_BASE_URL_FOR_TEST'));
  report({ app: 'cjs', coreEntry: require.resolve('@langchain/core/callbacks/manager'), ...wrapState(CallbackManager), calls });
});
