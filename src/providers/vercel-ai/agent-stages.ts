/*
 * The tool loop's stage spans, one way for both mechanisms (`ai` 7's channel messages, ./recorder.ts;
 * `ai` 5 and 6's wrapped calls, ./call-scope.ts and ./tool-wrapping.ts): when a generateText / streamText
 * call (or an agent's) gets an `invoke_agent` span, what that span and an `execute_tool` span say, started
 * as a core stage span that ends when told (the AI SDK, not a function of ours, decides when a step is
 * over), or is abandoned when the AI SDK never tells (./recorder.ts).
 */
import type { Context } from '@opentelemetry/api';
import type { AgentStage, GenAIInstrumentationBase, OpenStage, ToolStage } from '../../core';
import { asObject, asString } from '../../core';
import { providerName } from './provider-name';

/** Whether the top-level call runs a tool loop: `invoke_agent` over its steps. */
export type AgentSpanPolicy = 'tools' | 'always' | 'never';

/** Whether a call with these `tools` gets an `invoke_agent` span under `policy`. */
export function wantsAgentSpan(policy: AgentSpanPolicy, tools: unknown): boolean {
  if (policy === 'never') return false;
  return policy === 'always' || Object.keys(asObject(tools) ?? {}).length > 0;
}

/** What the agent span of a call says: `invoke_agent {functionId}` (the telemetry setting's), its model. */
export interface AgentCall {
  functionId?: unknown;
  /** The model's provider id (`openai.chat`, ...). */
  provider?: unknown;
  modelId?: unknown;
}

/** A tool call the AI SDK runs: its name and id as the model gave them, the tool definition it runs. */
export interface ToolRun {
  toolName?: unknown;
  toolCallId?: unknown;
  /** The app's tool (`tool({ description, inputSchema, execute })`). */
  definition?: unknown;
}

/** A stage span started in a parent context that ends when told (resolve, reject, abandon: the core's). */
export type { OpenStage };

export function openAgentStage(instrumentation: GenAIInstrumentationBase, parent: Context, call: AgentCall): OpenStage {
  const agent: AgentStage = {
    name: asString(call.functionId) as string,
    provider: providerName(asString(call.provider)),
    model: asString(call.modelId),
  };
  return instrumentation.stages.startAgent(agent, parent);
}

/** `input`: the tool call's arguments (recorded with content capture on). */
export function openToolStage(instrumentation: GenAIInstrumentationBase, parent: Context, tool: ToolRun, input: unknown): OpenStage {
  const stage: ToolStage = {
    name: asString(tool.toolName) ?? '',
    callId: asString(tool.toolCallId),
    description: asString(asObject(tool.definition)?.description),
    type: 'function',
  };
  return instrumentation.stages.startTool(stage, input, parent);
}
