/*
 * A CommonJS app using the Vercel AI SDK, for `node -r opentelemetry-instrumentation-genai/register
 * vercel-ai-cjs-app.cjs`: `ai` 7 is ES modules only, so this is Node's require() of an ES module (Node
 * >= 22.12). Env: OPENAI_BASE_URL_FOR_TEST.
 */
'use strict';
const { generateText, stepCountIs, streamText, tool } = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { z } = require('zod');
const { makeCalls } = require('./vercel-ai-calls.mjs');

makeCalls({ generateText, streamText, tool, stepCountIs, createOpenAI, z }, 'cjs').catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
