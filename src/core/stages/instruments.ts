/*
 * Duration histograms of the stage spans, with the conventions' duration buckets.
 *
 * Tools, agents and workflows use genai main's dedicated metrics (v1.41 has none for them). Retrieval is
 * a client operation and uses `gen_ai.client.operation.duration` with `gen_ai.operation.name=retrieval`:
 * v1.41 defines that metric for every GenAI client operation, and genai main keeps it for exactly the
 * non-inference client operations. Its descriptor here is identical to the one in ../instruments.ts, so
 * an SDK meter merges both into one metric stream.
 */
import type { Histogram, Meter } from '@opentelemetry/api';
import {
  DURATION_BUCKETS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_GEN_AI_INVOKE_AGENT_DURATION,
  METRIC_GEN_AI_INVOKE_WORKFLOW_DURATION,
} from '../semconv';

export interface StageInstruments {
  executeToolDuration: Histogram;
  invokeAgentDuration: Histogram;
  invokeWorkflowDuration: Histogram;
  /** `gen_ai.client.operation.duration`, for retrieval. */
  operationDuration: Histogram;
}

export function createStageInstruments(meter: Meter): StageInstruments {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
  return {
    executeToolDuration: seconds(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, 'The duration of a single tool execution.'),
    invokeAgentDuration: seconds(METRIC_GEN_AI_INVOKE_AGENT_DURATION, 'The end-to-end duration of a single agent invocation.'),
    invokeWorkflowDuration: seconds(METRIC_GEN_AI_INVOKE_WORKFLOW_DURATION, 'The duration of a single workflow invocation.'),
    // Must stay identical to ../instruments.ts (same name, description, unit and advice).
    operationDuration: seconds(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 'GenAI operation duration.'),
  };
}
