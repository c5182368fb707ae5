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
 * A generateText / streamText call whose end never comes (the app stopped reading a streamText that no
 * wrapped export links, ./stream-links.ts: a bundled app) would keep its invoke_agent span open and its
 * entries here forever. Each is an open call of the core (OpenParentCall, ../../core/open-invocations.ts):
 * busy while a model call or tool run of it is open (its languageModelCall until the model call's span
 * ended, which for a stream is when its stream was read; its executeTool until it ended), idle from its
 * start until the first one starts (the AI SDK starts it at once) and from the end of the last one. After
 * the idle limit, or at shutdown, it is ended as abandoned: its invoke_agent span and any execute_tool span
 * still open under it carry `genai_app.call.abandoned`, and its entries are dropped. The steps are not
 * children: a streamText step the app stopped reading never ends either.
 *
 * Spans start through the core (Invocation, stage recorder); nothing here touches a span.
 */
import type { Context } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, OpenChild, ResultTranslation } from '../../core';
import { OpenParentCall, asObject, asString } from '../../core';
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
  /** The call as an open call: its model calls and tool runs are its children. */
  parent: OpenParentCall;
}

/** A started record: how it ends. */
interface Open {
  end(message: TelemetryMessage): void;
  fail(message: TelemetryMessage): void;
}

/** What start() starts: how it ends, the context its work runs in, and whether it keeps its call busy. */
interface Started {
  open: Open;
  context: Context;
  child?: OpenChild;
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
    const info = this.calls.get(asString(event.callId) ?? '');
    let started: Started | undefined;
    switch (message.type) {
      case 'generateText':
      case 'streamText':
        applyAiSdkTelemetryPolicy(this.aiSdkTelemetry());
        started = this.startTopLevel(message, event, message.type === 'streamText', parent);
        break;
      case 'languageModelCall':
        started = this.startCall(modelCall(event, { streamed: info?.streamed ?? false, outputType: info?.outputType }), parent, info?.streamed ?? false, asString(event.provider));
        break;
      case 'executeTool':
        started = this.startTool(event, info, parent);
        break;
      case 'embed':
      case 'embedMany':
        applyAiSdkTelemetryPolicy(this.aiSdkTelemetry());
        started = this.startCall(embeddingsCall(event), parent, false, asString(event.provider));
        break;
    }
    if (!started) return undefined;
    const callParent = started.child && info?.parent;
    this.open.set(message, callParent ? childOpen(started.open, callParent, started.child!) : started.open);
    return started.context;
  }

  /** How many generateText / streamText calls this recorder holds (for tests and diagnostics). */
  heldCalls(): number {
    return this.calls.size;
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

  private startTopLevel(message: TelemetryMessage, event: Record<string, unknown>, streamed: boolean, parent: Context): Started {
    const callId = asString(event.callId);
    const tools = asObject(event.tools) ?? {};
    const stage = wantsAgentSpan(this.agentSpans(), tools) ? openAgentStage(this.instrumentation, parent, event) : undefined;
    const forget = () => {
      if (callId && this.calls.get(callId) === info) this.calls.delete(callId);
    };
    const callParent = new OpenParentCall(this.instrumentation.idleTimeoutMs, (cause) => {
      forget();
      this.open.delete(message);
      stage?.abandon(cause);
    });
    const info: CallInfo = { streamed, outputType: outputType(event.output), tools, parent: callParent };
    if (callId) this.calls.set(callId, info);
    const end = () => {
      callParent.end();
      forget();
      stage?.resolve(undefined);
    };
    // A stream the app stopped reading: the AI SDK never ends this message (./stream-links.ts).
    const link = streamed ? claimLink() : undefined;
    if (link) link.stop = end;
    return {
      // Without an agent span nothing is recorded, but the call's settings must be dropped when it ends.
      context: stage?.context ?? parent,
      open: {
        end,
        fail: (m: TelemetryMessage) => {
          callParent.end();
          forget();
          stage?.reject(m.error);
        },
      },
    };
  }

  private startTool(event: Record<string, unknown>, info: CallInfo | undefined, parent: Context): Started {
    const toolCall = asObject(event.toolCall) ?? {};
    const definition = info?.tools[asString(toolCall.toolName) ?? ''];
    const stage = openToolStage(this.instrumentation, parent, { ...toolCall, definition }, toolCall.input);
    return {
      context: stage.context,
      child: { isOpen: () => !stage.isEnded, abandon: (cause) => stage.abandon(cause) },
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

  private startCall(translation: CallTranslation<ResultTranslation>, parent: Context, streamed: boolean, providerId: string | undefined): Started | undefined {
    const call = openModelCall(this.instrumentation, translation, parent, streamed, providerId);
    if (!call) return undefined;
    return {
      context: call.context,
      // Open until its span ended: a streamed call's when the AI SDK has read its stream (the model call is
      // an open call of its own, ended at shutdown or when idle as every LLM call is).
      child: { isOpen: () => !call.isEnded },
      open: {
        // No result: the app turned off recordInputs / recordOutputs, and the AI SDK publishes none.
        end: (m: TelemetryMessage) => call.end(m.result),
        // The AI SDK's APICallError carries the request's URL.
        fail: (m: TelemetryMessage) => call.fail(m.error),
      },
    };
  }
}

/** `open`, which also tells `callParent` that its child may have ended, once `child` was added to it. */
function childOpen(open: Open, callParent: OpenParentCall, child: OpenChild): Open {
  callParent.addChild(child);
  return {
    end(message) {
      open.end(message);
      callParent.childEnded();
    },
    fail(message) {
      open.fail(message);
      callParent.childEnded();
    },
  };
}

/** `gen_ai.output.type` of a call's `output` setting: `json` for Output.object / array / choice / json. */
function outputType(output: unknown): string | undefined {
  const name = asString(asObject(output)?.name);
  return name && name !== 'text' ? 'json' : undefined;
}
