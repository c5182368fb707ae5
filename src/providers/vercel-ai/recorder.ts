/*
 * What each AI SDK telemetry message records (see ./telemetry-channel.ts):
 *
 *   generateText / streamText   the call's settings are kept by `callId` for the messages inside it; a call
 *                               with tools (a tool loop: the AI SDK runs the tools and calls the model
 *                               again) is one `invoke_agent` stage span over its steps (./agent-stages.ts)
 *   languageModelCall           one `chat {model}` call per model request (each step, each retry)
 *   executeTool                 `execute_tool {name}` for a tool the AI SDK runs
 *   embed / embedMany           one `embeddings {model}` call
 *
 * Spans start through the core (Invocation, stage recorder); nothing here touches a span.
 */
import type { Context } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, ResultTranslation } from '../../core';
import { asObject, asString } from '../../core';
import { type AgentSpanPolicy, openAgentStage, openToolStage, wantsAgentSpan } from './agent-stages';
import { type AiSdkTelemetryPolicy, applyAiSdkTelemetryPolicy } from './ai-sdk-telemetry';
import { embeddingsCall } from './embeddings';
import { modelCall } from './model-call';
import { openModelCall } from './model-call-record';
import { claimLink } from './stream-links';
import type { TelemetryHandler, TelemetryMessage } from './telemetry-channel';

/** What a generateText / streamText call tells the model calls inside it. */
interface CallInfo {
  streamed: boolean;
  outputType?: string;
  tools: Record<string, unknown>;
}

/** A started record: how it ends. */
interface Open {
  end(message: TelemetryMessage): void;
  fail(message: TelemetryMessage): void;
}

export class TelemetryRecorder implements TelemetryHandler {
  private readonly open = new WeakMap<object, Open>();
  private readonly calls = new Map<string, CallInfo>();

  constructor(
    private readonly instrumentation: GenAIInstrumentationBase,
    private readonly agentSpans: () => AgentSpanPolicy,
    private readonly aiSdkTelemetry: () => AiSdkTelemetryPolicy,
  ) {}

  start(message: TelemetryMessage, parent: Context): Context | undefined {
    const event = asObject(message.event) ?? {};
    let started: { open: Open; context: Context } | undefined;
    switch (message.type) {
      case 'generateText':
      case 'streamText':
        applyAiSdkTelemetryPolicy(this.aiSdkTelemetry());
        started = this.startTopLevel(event, message.type === 'streamText', parent);
        break;
      case 'languageModelCall': {
        const info = this.calls.get(asString(event.callId) ?? '');
        started = this.startCall(modelCall(event, { streamed: info?.streamed ?? false, outputType: info?.outputType }), parent, info?.streamed ?? false, asString(event.provider));
        break;
      }
      case 'executeTool':
        started = this.startTool(event, parent);
        break;
      case 'embed':
      case 'embedMany':
        applyAiSdkTelemetryPolicy(this.aiSdkTelemetry());
        started = this.startCall(embeddingsCall(event), parent, false, asString(event.provider));
        break;
    }
    if (!started) return undefined;
    this.open.set(message, started.open);
    return started.context;
  }

  asyncEnd(message: TelemetryMessage): void {
    const open = this.open.get(message);
    if (!open) return;
    this.open.delete(message);
    open.end(message);
  }

  error(message: TelemetryMessage): void {
    const open = this.open.get(message);
    if (!open) return;
    this.open.delete(message);
    open.fail(message);
  }

  private startTopLevel(event: Record<string, unknown>, streamed: boolean, parent: Context) {
    const callId = asString(event.callId);
    const tools = asObject(event.tools) ?? {};
    const info: CallInfo = { streamed, outputType: outputType(event.output), tools };
    if (callId) this.calls.set(callId, info);
    const forget = () => {
      if (callId) this.calls.delete(callId);
    };
    const link = streamed ? claimLink() : undefined;
    if (!wantsAgentSpan(this.agentSpans(), tools)) {
      // Nothing recorded, but the call's settings must be dropped when it ends.
      if (link) link.stop = forget;
      return { open: { end: forget, fail: forget }, context: parent };
    }
    const stage = openAgentStage(this.instrumentation, parent, event);
    const end = () => {
      forget();
      stage.resolve(undefined);
    };
    // A stream the app stopped reading: the AI SDK never ends this message (./stream-links.ts).
    if (link) link.stop = end;
    return {
      context: stage.context,
      open: {
        end,
        fail: (m: TelemetryMessage) => {
          forget();
          stage.reject(m.error);
        },
      },
    };
  }

  private startTool(event: Record<string, unknown>, parent: Context) {
    const toolCall = asObject(event.toolCall) ?? {};
    const definition = this.calls.get(asString(event.callId) ?? '')?.tools[asString(toolCall.toolName) ?? ''];
    const stage = openToolStage(this.instrumentation, parent, { ...toolCall, definition }, toolCall.input);
    return {
      context: stage.context,
      open: {
        end: (m: TelemetryMessage) => {
          // { output: { type: 'tool-result', output } | { type: 'tool-error', error }, toolExecutionMs }
          const output = asObject(asObject(m.result)?.output);
          if (output?.type === 'tool-error') stage.reject(output.error);
          else stage.resolve(output ? output.output : undefined);
        },
        fail: (m: TelemetryMessage) => stage.reject(m.error),
      },
    };
  }

  private startCall(translation: CallTranslation<ResultTranslation>, parent: Context, streamed: boolean, providerId: string | undefined) {
    const call = openModelCall(this.instrumentation, translation, parent, streamed, providerId);
    if (!call) return undefined;
    return {
      context: call.context,
      open: {
        // No result: the app turned off recordInputs / recordOutputs, and the AI SDK publishes none.
        end: (m: TelemetryMessage) => call.end(m.result),
        // The AI SDK's APICallError carries the request's URL.
        fail: (m: TelemetryMessage) => call.fail(m.error),
      },
    };
  }
}

/** `gen_ai.output.type` of a call's `output` setting: `json` for Output.object / array / choice / json. */
function outputType(output: unknown): string | undefined {
  const name = asString(asObject(output)?.name);
  return name && name !== 'text' ? 'json' : undefined;
}
