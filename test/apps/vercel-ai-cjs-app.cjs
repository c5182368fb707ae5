/*
 * A CommonJS app using the Vercel AI SDK, for `node -r opentelemetry-instrumentation-genai/register
 * vercel-ai-cjs-app.cjs`: `ai` 5 and 6 are a CommonJS build (read-only exports: the hook hands the app an
 * instrumented copy); `ai` 7 is ES modules only, so this is Node's require() of an ES module (Node >=
 * 22.12). Env: OPENAI_BASE_URL_FOR_TEST.
 */
'use strict';
const ai = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { z } = require('zod');
const { runMain } = require('./app-result.cjs');
const { makeCalls } = require('./vercel-ai-calls.mjs');

runMain(() => makeCalls(ai, { createOpenAI, z }, 'cjs'));
