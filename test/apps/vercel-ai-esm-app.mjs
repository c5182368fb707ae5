/*
 * An ES module app using the Vercel AI SDK (`ai` 7 is ES modules only), for `node --import
 * opentelemetry-instrumentation-genai/register vercel-ai-esm-app.mjs`; also bundled with esbuild (every
 * package inlined, as Next.js does) and run as the bundle. Env: OPENAI_BASE_URL_FOR_TEST, GENAI_APP_KIND.
 */
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { makeCalls } from './vercel-ai-calls.mjs';

await makeCalls({ generateText, streamText, tool, stepCountIs, createOpenAI, z }, process.env.GENAI_APP_KIND ?? 'esm');
