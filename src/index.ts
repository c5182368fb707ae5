/*
 * Public API of opentelemetry-instrumentation-genai.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { GenAIInstrumentationConfig } from './core';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from './providers/anthropic/instrumentation';
import { BedrockRuntimeInstrumentation, type BedrockRuntimeInstrumentationConfig } from './providers/bedrock/instrumentation';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from './providers/google-genai/instrumentation';
import { GroqInstrumentation, type GroqInstrumentationConfig } from './providers/groq/instrumentation';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from './providers/openai/instrumentation';
import { VercelAIInstrumentation, type VercelAIInstrumentationConfig } from './providers/vercel-ai/instrumentation';
import { LangChainInstrumentation, type LangChainInstrumentationConfig } from './providers/langchain/instrumentation';

export { OpenAIInstrumentation, OPENAI_SUPPORTED_VERSIONS } from './providers/openai/instrumentation';
export type { OpenAIInstrumentationConfig } from './providers/openai/instrumentation';
export { AnthropicInstrumentation, ANTHROPIC_SUPPORTED_VERSIONS } from './providers/anthropic/instrumentation';
export type { AnthropicInstrumentationConfig } from './providers/anthropic/instrumentation';
export type { SdkTelemetryPolicy } from './providers/anthropic/sdk-telemetry';
export { GoogleGenAIInstrumentation, GOOGLE_GENAI_SUPPORTED_VERSIONS } from './providers/google-genai/instrumentation';
export type { GoogleGenAIInstrumentationConfig } from './providers/google-genai/instrumentation';
export { BedrockRuntimeInstrumentation, BEDROCK_RUNTIME_SUPPORTED_VERSIONS } from './providers/bedrock/instrumentation';
export type { BedrockRuntimeInstrumentationConfig } from './providers/bedrock/instrumentation';
export { GroqInstrumentation, GROQ_SUPPORTED_VERSIONS } from './providers/groq/instrumentation';
export type { GroqInstrumentationConfig } from './providers/groq/instrumentation';
export { VercelAIInstrumentation, VERCEL_AI_SUPPORTED_VERSIONS } from './providers/vercel-ai/instrumentation';
export type { VercelAIInstrumentationConfig } from './providers/vercel-ai/instrumentation';
export type { AiSdkTelemetryPolicy } from './providers/vercel-ai/ai-sdk-telemetry';
export { LangChainInstrumentation, LANGCHAIN_SUPPORTED_VERSIONS } from './providers/langchain/instrumentation';
export type { LangChainInstrumentationConfig } from './providers/langchain/instrumentation';
export type { PeerModelSpansPolicy } from './providers/langchain/peer-handlers';
export type { GenAIInstrumentationConfig } from './core/config';
export { CAPTURE_CONTENT_ENV, parseCaptureMode, type CaptureMode } from './core/content-mode';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version';
export {
  deleteGenAIContext,
  getGenAIContext,
  setGenAIContext,
  withGenAIContext,
  type GenAIContextMetadata,
  type EffectiveGenAIContext,
} from './core/genai-context';
export {
  DurableExport,
  createDurableExport,
  type DurableExportOptions,
  type SpoolLogRecordProcessor,
  type SpoolSpanProcessor,
  type SpoolStats,
} from './spool/durable-export';
export { flushOnExit, type FlushOnExitOptions } from './startup/flush-on-exit';
export { endOpenInvocations, type AbandonCause } from './core/open-invocations';
export {
  StageRecorder,
  traceAgent,
  traceRetrieval,
  traceTool,
  traceWorkflow,
  type AgentStage,
  type RetrievalDocument,
  type RetrievalStage,
  type StageTelemetry,
  type StageValue,
  type ToolStage,
  type WorkflowStage,
} from './core/stages';

export interface GenAIInstrumentationsConfig extends GenAIInstrumentationConfig {
  /** Per-provider overrides, merged over the shared options. */
  openai?: OpenAIInstrumentationConfig;
  anthropic?: AnthropicInstrumentationConfig;
  googleGenAI?: GoogleGenAIInstrumentationConfig;
  bedrock?: BedrockRuntimeInstrumentationConfig;
  groq?: GroqInstrumentationConfig;
  vercelAI?: VercelAIInstrumentationConfig;
  langchain?: LangChainInstrumentationConfig;
}

/**
 * Every GenAI instrumentation of this package, ready for `new NodeSDK({ instrumentations: [...] })` or
 * `registerInstrumentations`.
 */
export function getGenAIInstrumentations(config: GenAIInstrumentationsConfig = {}): Instrumentation[] {
  const { openai, anthropic, googleGenAI, bedrock, groq, vercelAI, langchain, ...shared } = config;
  return [
    new OpenAIInstrumentation({ ...shared, ...openai }),
    new AnthropicInstrumentation({ ...shared, ...anthropic }),
    new GoogleGenAIInstrumentation({ ...shared, ...googleGenAI }),
    new BedrockRuntimeInstrumentation({ ...shared, ...bedrock }),
    new GroqInstrumentation({ ...shared, ...groq }),
    new VercelAIInstrumentation({ ...shared, ...vercelAI }),
    new LangChainInstrumentation({ ...shared, ...langchain }),
  ];
}
