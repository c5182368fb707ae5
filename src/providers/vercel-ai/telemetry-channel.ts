/*
 * The AI SDK's telemetry tracing channel (`ai` 7: Node's diagnostics_channel `tracingChannel('ai:telemetry')`):
 * every generateText / streamText / step / languageModelCall / executeTool / embed / embedMany ... is
 * published as a message `{ type, event }` (start, end, then asyncEnd with `result`, or error with `error`;
 * streamText and its steps publish asyncEnd when the stream is done). The channel is process-wide, so it
 * also sees a copy of `ai` that a bundler inlined (Next.js): nothing is patched.
 *
 * The AI SDK runs each message's work inside the channel's `start.runStores`. Binding the OpenTelemetry
 * context manager's AsyncLocalStorage to it makes that work run in the context the `start` handler
 * returns (the span it started): model calls nest under the agent span, HTTP spans under the model call,
 * the spans a tool makes under its execute_tool span. A context manager registered after subscribing
 * (NodeSDK registers it after enabling its instrumentations) is bound on the next tick and re-checked on
 * every message; without an AsyncLocalStorage context manager an own store carries our spans' context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as dc from 'node:diagnostics_channel';
import { type Context, context as contextApi, createContextKey } from '@opentelemetry/api';
import { safely } from '../../core';

export const AI_TELEMETRY_CHANNEL = 'ai:telemetry';

/** The message whose work runs in a context: tells whether the context manager's store carries it. */
const MESSAGE_SCOPE = createContextKey('opentelemetry-instrumentation-genai vercel-ai message scope');

export interface TelemetryMessage {
  readonly type?: unknown;
  readonly event?: unknown;
  result?: unknown;
  error?: unknown;
}

export interface TelemetryHandler {
  /** A message starts (in its caller's context): the context its work runs in, or undefined to leave it. */
  start(message: TelemetryMessage, parent: Context): Context | undefined;
  /** Its work finished: `message.result`, or `message.error` (error is published before asyncEnd). */
  asyncEnd(message: TelemetryMessage): void;
  error(message: TelemetryMessage): void;
}

interface Store {
  run<R>(store: Context, fn: () => R): R;
  getStore(): Context | undefined;
}

type TracingChannel = ReturnType<typeof dc.tracingChannel>;

export class TelemetryChannelSubscription {
  private readonly channel: TracingChannel | undefined;
  private readonly ownStore = new AsyncLocalStorage<Context>();
  private boundStore: Store | undefined;
  private subscribed = false;
  private readonly started = new WeakMap<object, Context | undefined>();
  private readonly subscribers: Parameters<TracingChannel['subscribe']>[0];

  constructor(private readonly handler: TelemetryHandler) {
    this.channel = typeof dc.tracingChannel === 'function' ? dc.tracingChannel(AI_TELEMETRY_CHANNEL) : undefined;
    this.subscribers = {
      start: () => undefined,
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (message) => safely('recording an AI SDK telemetry message', () => this.handler.asyncEnd(message as TelemetryMessage), undefined),
      error: (message) => safely('recording an AI SDK telemetry message', () => this.handler.error(message as TelemetryMessage), undefined),
    };
  }

  subscribe(): void {
    if (!this.channel) return;
    this.subscribed = true;
    this.channel.subscribe(this.subscribers);
    this.channel.start.bindStore(this.ownStore, (message) => this.transform(message as TelemetryMessage));
    this.bindContextManager();
    // NodeSDK registers its context manager right after enabling the instrumentations.
    setImmediate(() => this.bindContextManager()).unref?.();
  }

  unsubscribe(): void {
    if (!this.channel) return;
    this.subscribed = false;
    this.channel.unsubscribe(this.subscribers);
    this.channel.start.unbindStore(this.ownStore);
    if (this.boundStore) this.channel.start.unbindStore(this.boundStore as never);
    this.boundStore = undefined;
  }

  /** The innermost message whose work is running here (any copy of `ai` publishing on the channel). */
  innermostMessage(): TelemetryMessage | undefined {
    return this.ownStore.getStore()?.getValue(MESSAGE_SCOPE) as TelemetryMessage | undefined;
  }

  /**
   * The context the AI SDK code of the current message runs in so far (the parent of what it starts): the
   * active one, which descends from the one the enclosing message started when the context manager's store
   * was bound for it (and may hold the app's spans below it); else (no such store, or the enclosing message
   * began before it was bound) the one our own store carries.
   */
  private parentContext(): Context {
    const active = contextApi.active();
    const own = this.ownStore.getStore();
    if (!own || !this.boundStore) return own ?? active;
    return active.getValue(MESSAGE_SCOPE) === own.getValue(MESSAGE_SCOPE) ? active : own;
  }

  /** Runs once per message, before its work: starts what the message records, once, for every store bound. */
  private transform(message: TelemetryMessage): Context {
    if (!this.started.has(message as object)) {
      this.bindContextManager();
      const parent = this.parentContext();
      const started = safely('recording an AI SDK telemetry message', () => this.handler.start(message, parent), undefined);
      this.started.set(message as object, (started ?? parent).setValue(MESSAGE_SCOPE, message));
    }
    return this.started.get(message as object)!;
  }

  /**
   * Binds the AsyncLocalStorage of the global context manager (when it has one), replacing one bound before;
   * never once unsubscribed (the check on the next tick may come after): a transform left bound would start
   * spans whose end no subscriber receives, and would replace the transform another subscription bound.
   */
  private bindContextManager(): void {
    const store = contextManagerStore();
    if (store === this.boundStore || !this.channel || !this.subscribed) return;
    if (this.boundStore) this.channel.start.unbindStore(this.boundStore as never);
    this.boundStore = store;
    if (store) this.channel.start.bindStore(store as never, (message) => this.transform(message as TelemetryMessage));
  }
}

/** The AsyncLocalStorage of the registered context manager (AsyncLocalStorageContextManager's `_asyncLocalStorage`). */
function contextManagerStore(): Store | undefined {
  const manager = (contextApi as unknown as { _getContextManager?: () => unknown })._getContextManager?.();
  const store = (manager as { _asyncLocalStorage?: unknown } | undefined)?._asyncLocalStorage;
  return store instanceof AsyncLocalStorage ? (store as Store) : undefined;
}
