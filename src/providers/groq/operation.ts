/* The translation for one patched groq-sdk method: its request into the core model, and its results. */
import type { Endpoint, InvocationRequest } from '../../core';
import type { ResultTranslator } from '../stainless/result-translator';

export interface GroqOperation {
  request(body: Record<string, unknown>, endpoint: Endpoint): InvocationRequest;
  results(body: Record<string, unknown>, captureContent: boolean): ResultTranslator;
}
