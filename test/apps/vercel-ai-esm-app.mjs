/*
 * An ES module app using the Vercel AI SDK, for `node --import opentelemetry-instrumentation-genai/register
 * vercel-ai-esm-app.mjs`; with `ai` 7 also bundled with esbuild (every package inlined, as Next.js does)
 * and run as the bundle. Env: OPENAI_BASE_URL_FOR_TEST, GENAI_APP_KIND.
 */
import * as ai from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { makeCalls } from './vercel-ai-calls.mjs';

await makeCalls(ai, { createOpenAI, z }, process.env.GENAI_APP_KIND ?? 'esm');
