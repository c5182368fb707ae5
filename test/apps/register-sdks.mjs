/*
 * Imports every SDK this package instruments, as an ES module app does, and prints which ones are
 * patched: under `--import opentelemetry-instrumentation-genai/register` all must be (the hook's loader
 * include list comes from the instrumentations' module definitions), without it none.
 */
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { Models } from '@google/genai';
import Groq from 'groq-sdk';
import OpenAI from 'openai';

const wrapped = (fn) => typeof fn === 'function' && typeof fn.__original === 'function';
console.log(
  JSON.stringify({
    openai: wrapped(OpenAI.Chat.Completions.prototype.create),
    anthropic: wrapped(Anthropic.Messages.prototype.create),
    googleGenAI: typeof Object.getOwnPropertyDescriptor(Models.prototype, 'generateContent')?.set === 'function',
    bedrock: Object.prototype.hasOwnProperty.call(BedrockRuntimeClient.prototype, 'send'),
    groq: wrapped(Groq.Chat.Completions.prototype.create),
  }),
);
