/*
 * What each AI SDK telemetry message records (see ./telemetry-channel.ts):
 *
 *   generateText / streamText   the call's settings are kept by `callId` for the messages inside it; a call
 *                               with tools (a tool loop: the AI SDK runs the tools and calls the model
 *                               again) is one `invoke_agent` stage span over its steps
 *   languageModelCall           one `chat {model}` call per model request (each step, each retry)
 *   executeTool                 `execute_tool {name}` for a tool the AI SDK runs
 *   embed / embedMany           one `embeddings {model}` call
 *
 * Spans start through the core (Invocation, stage recorder); nothing here touches a span.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import type { CallTranslation, GenAIInstrumentationBase, ResultTranslation } from '../../core';
import { RecordedCall, asObject, asString, serverOfUrl } from '../../core';
import { type AiSdkTelemetryPolicy, applyAiSdkTelemetryPolicy } from './ai-sdk-telemetry';
import { embeddingsCall } from './embeddings';
import { modelCall, requestUrl } from './model-call';
import { providerName } from './provider-name';
import { observeStreamResult } from './stream-tap';
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

/** Whether the top-level call runs a tool loop: `invoke_agent` over its steps. */
export type AgentSpanPolicy = 'tools' | 'always' | 'never';

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
        started = this.startCall(modelCall(event, { streamed: info?.streamed ?? false, outputType: info?.outputType }), parent, info?.streamed ?? false);
        break;
      }
      case 'executeTool':
        started = this.startTool(event, parent);
        break;
      case 'embed':
      case 'embedMany':
        applyAiSdkTelemetryPolicy(this.aiSdkTelemetry());
        started = this.startCall(embeddingsCall(event), parent, false);
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
    const policy = this.agentSpans();
    if (policy === 'never' || (policy === 'tools' && Object.keys(tools).length === 0)) {
      // Nothing recorded, but the call's settings must be dropped when it ends.
      return { open: { end: forget, fail: forget }, context: parent };
    }
    const stage = this.stage(parent, (run) =>
      this.instrumentation.stages.traceAgent(
        { name: asString(event.functionId) as string, provider: providerName(asString(event.provider)), model: asString(event.modelId) },
        run,
      ),
    );
    return {
      context: stage.context,
      open: {
        end: () => {
          forget();
          stage.resolve(undefined);
        },
        fail: (m: TelemetryMessage) => {
          forget();
          stage.reject(m.error);
        },
      },
    };
  }

  private startTool(event: Record<string, unknown>, parent: Context) {
    const toolCall = asObject(event.toolCall) ?? {};
    const name = asString(toolCall.toolName) ?? '';
    const definition = asObject(this.calls.get(asString(event.callId) ?? '')?.tools[name]);
    const stage = this.stage(parent, (run) =>
      this.instrumentation.stages.traceTool(
        { name, callId: asString(toolCall.toolCallId), description: asString(definition?.description), type: 'function' },
        run,
        toolCall.input,
      ),
    );
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

  /** A stage span (started by `begin` in `parent`) that ends when resolve / reject is called. */
  private stage(parent: Context, begin: (run: () => Promise<unknown>) => unknown) {
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let context = parent;
    const settled = contextApi.with(parent, () =>
      begin(() => {
        context = contextApi.active();
        return done;
      }),
    );
    // The stage's own promise: its rejection is the app's error, which the app gets from the AI SDK.
    void Promise.resolve(settled).catch(() => undefined);
    return { context, resolve, reject };
  }

  private startCall(translation: CallTranslation<ResultTranslation>, parent: Context, streamed: boolean) {
    const invocation = contextApi.with(parent, () => this.instrumentation.startInvocation(translation.request));
    if (!invocation) return undefined;
    const call = new RecordedCall(invocation, translation.results(invocation.capturesContent));
    return {
      context: invocation.context,
      open: {
        end: (m: TelemetryMessage) => {
          const server = serverOfRequest(m.result);
          if (server) invocation.setServer(server.serverAddress, server.serverPort);
          // No result: the app turned off recordInputs / recordOutputs, and the AI SDK publishes none.
          if (m.result === undefined) invocation.end({});
          else if (streamed && call.results.stream) {
            if (!observeStreamResult(m.result, invocation, call.results.stream())) invocation.end({});
          } else call.end(m.result);
        },
        fail: (m: TelemetryMessage) => {
          // The AI SDK's APICallError carries the request's URL.
          const url = asString(asObject(m.error)?.url);
          const server = url ? serverOfUrl(url) : undefined;
          if (server) invocation.setServer(server.serverAddress, server.serverPort);
          call.fail(m.error);
        },
      },
    };
  }
}

function serverOfRequest(result: unknown) {
  const url = requestUrl(result);
  return url ? serverOfUrl(url) : undefined;
}

/** `gen_ai.output.type` of a call's `output` setting: `json` for Output.object / array / choice / json. */
function outputType(output: unknown): string | undefined {
  const name = asString(asObject(output)?.name);
  return name && name !== 'text' ? 'json' : undefined;
}
