/*
 * Shared by the LangChain.js module-system apps (langchain-cjs-app.cjs, langchain-esm-app.mjs): the chain
 * they run (a prompt, ChatOpenAI against the loopback mock, a string parser) and the one result line they
 * print. The apps know nothing about telemetry: they are started with or without
 * `-r` / `--import opentelemetry-instrumentation-genai/register`, which exports to the test's OTLP receiver.
 */
'use strict';

const { reportResult: report, requiredEnv, runMain } = require('./app-result.cjs');

/** Whether a method is wrapped (shimmer's marker). */
const isWrapped = (fn) => typeof fn === 'function' && typeof fn.__original === 'function';

/** Whether the CallbackManager the app's @langchain/core build uses has this package's patch. */
const wrapState = (CallbackManager) => ({ configureWrapped: isWrapped(CallbackManager._configureSync) });

/** prompt | ChatOpenAI | parser, invoked once; the modules are passed in, so each app loads them its own way. */
async function runChain({ ChatPromptTemplate, StringOutputParser, ChatOpenAI }, baseURL) {
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: 0, configuration: { baseURL } });
  const chain = ChatPromptTemplate.fromMessages([['user', 'Say hi in {lang}']]).pipe(model).pipe(new StringOutputParser());
  return { text: await chain.invoke({ lang: 'French' }) };
}

module.exports = { report, requiredEnv, runChain, runMain, wrapState };
