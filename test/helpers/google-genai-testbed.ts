/*
 * The @google/genai testbed (see testbed.ts): the GoogleGenAIInstrumentation patched into the
 * `@google/genai` module the test loads, the loopback Gemini mock server, and Gemini Developer API and
 * Vertex AI clients of it. GOOGLE_GENAI_SDK_DIR (see jest.config.js) points `@google/genai` at another
 * installed copy.
 */
import type { GoogleGenAI as GoogleGenAIType, GoogleGenAIOptions } from '@google/genai';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '../../src/providers/google-genai/instrumentation';
import { baseAttributes } from '../fixtures/gemini';
import { MockGeminiServer } from '../mock-servers/gemini-server';
import { CAPTURE_CONTENT_ENV } from './env';
import type { Provider, TestTelemetry } from './telemetry';
import { useTestbed, type TestbedOptions } from './testbed';

/** Environment variables the SDK or this package read: none may leak into a test. */
export const GEMINI_ENV = [
  CAPTURE_CONTENT_ENV,
  'GOOGLE_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_VERTEX_BASE_URL',
];

/** The `@google/genai` module the tests use (the copy in GOOGLE_GENAI_SDK_DIR when set). */
export function genaiModule(): typeof import('@google/genai') {
  shareUndiciDispatcher();
  return require('@google/genai');
}

/**
 * Jest runs a test file in a vm context whose globalThis is not Node's. @google/genai (2.x+) looks up
 * Node's fetch dispatcher on globalThis (`Symbol.for('undici.globalDispatcher.1')`), which Node sets on
 * its own global only: copy it into the test context, as any Node app would see it.
 */
function shareUndiciDispatcher(): void {
  const key = Symbol.for('undici.globalDispatcher.1');
  const here = globalThis as Record<symbol, unknown>;
  if (here[key]) return;
  // A Node built-in's constructor is the main realm's Function: it evaluates in Node's own global.
  const nodeGlobal = (Buffer as unknown as { constructor: FunctionConstructor }).constructor('return globalThis')() as Record<symbol, unknown> & {
    Headers: new () => unknown;
  };
  if (!nodeGlobal[key]) new nodeGlobal.Headers(); // Node initialises fetch (and its dispatcher) lazily
  here[key] = nodeGlobal[key];
}

export const GOOGLE_GENAI: Provider<GoogleGenAIInstrumentation> = { Instrumentation: GoogleGenAIInstrumentation, sdkModule: genaiModule };

export type GeminiTelemetry = TestTelemetry<GoogleGenAIInstrumentation>;

export interface GeminiTestbed {
  server: MockGeminiServer;
  tel: GeminiTelemetry;
  /** A Gemini Developer API client of the mock server (API key). */
  client(opts?: Partial<GoogleGenAIOptions>): GoogleGenAIType;
  /** A Vertex AI client of the mock server (express mode: API key, no Google Cloud credentials needed). */
  vertexClient(opts?: Partial<GoogleGenAIOptions>): GoogleGenAIType;
  baseAttributes(operation: string, model: string, provider?: string): Record<string, unknown>;
}

export function useGeminiTestbed(opts: TestbedOptions<GoogleGenAIInstrumentationConfig> = {}): GeminiTestbed {
  const { server, tel } = useTestbed(GOOGLE_GENAI, new MockGeminiServer(), GEMINI_ENV, opts);
  const client = (defaults: Partial<GoogleGenAIOptions>) => (clientOpts: Partial<GoogleGenAIOptions> = {}) =>
    new (genaiModule().GoogleGenAI)({ ...defaults, ...clientOpts, httpOptions: { baseUrl: server.baseUrl, ...clientOpts.httpOptions } });
  return {
    server,
    tel,
    client: client({ apiKey: 'test-key' }),
    vertexClient: client({ vertexai: true, apiKey: 'test-key' }),
    baseAttributes: (operation, model, provider) => baseAttributes(server, operation, model, provider),
  };
}
