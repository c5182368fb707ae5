import type { InvocationRequest } from '../../core';
import type { ResultTranslator } from '../stainless/api-promise';
import type { Endpoint } from './endpoint';

/** The translation for one patched SDK method: its request into the core model, and its results. */
export interface OpenAIOperation {
  request(body: Record<string, unknown>, endpoint: Endpoint): InvocationRequest;
  results(body: Record<string, unknown>, captureContent: boolean): ResultTranslator;
}

export const OPENAI_RESPONSE_METRIC_KEYS = ['openai.response.service_tier', 'openai.response.system_fingerprint'];
