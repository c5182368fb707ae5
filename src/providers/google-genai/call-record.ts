/*
 * The record of one user call in progress, and how the SDK's model requests report to it. One user call
 * may be several model requests (automatic function calling, automatic continuation); the wrapped
 * `*Internal` methods (one per model request) find the call's record in the context the call runs in and
 * report each request to it. See ./generate-content-response.ts for what it adds to the span.
 */
import type { Context } from '@opentelemetry/api';
import { context, createContextKey } from '@opentelemetry/api';
import { asObject } from '../../core/readers';
import { safely } from '../../core/safely';
import { tapSettlement } from '../../core/settlement';

/** The record of the user call in progress, in the context its SDK code runs in. */
const CALL_KEY = createContextKey('opentelemetry-instrumentation-genai @google/genai call');

/**
 * What the instrumentation saw of the model requests the SDK made for one user call (its `*Internal`
 * methods, called in the call's context): the last request's contents, the tools of the first one (with
 * CallableTools resolved to their declarations), and each non-streamed response.
 */
export class CallRecord {
  requests = 0;
  lastContents: unknown;
  resolvedTools: unknown;
  readonly responses: unknown[] = [];

  constructor(
    /** The `Models` instance and public method the call went through. */
    readonly models: unknown,
    readonly method: string,
    private readonly captureContent: boolean,
  ) {}

  onRequest(params: unknown): void {
    this.requests++;
    const p = asObject(params);
    if (!this.captureContent || !p) return;
    // A copy: the SDK's AFC loop replaces and extends the contents array of later requests.
    this.lastContents = Array.isArray(p.contents) ? [...p.contents] : p.contents;
    if (this.requests === 1) this.resolvedTools = asObject(p.config)?.tools;
  }

  onResponse(response: unknown): void {
    this.responses.push(response);
  }
}

/** The context a call's SDK code runs in: its invocation's context with the call's record in it. */
export function withCallRecord(invocationContext: Context, call: CallRecord): Context {
  return invocationContext.setValue(CALL_KEY, call);
}

/** The record of the call in progress, if it went through `method` of this `Models` instance. */
export function activeCallRecord(models: unknown, method: string): CallRecord | undefined {
  const call = context.active().getValue(CALL_KEY) as CallRecord | undefined;
  return call && call.models === models && call.method === method ? call : undefined;
}

/** Reports a model request to the call's record (and, for non-streamed requests, its response). */
export function observeRequest(call: CallRecord, method: string, params: unknown, invoke: () => unknown): unknown {
  safely('reading a model request', () => call.onRequest(params), undefined);
  const returned = invoke();
  if (method === 'generateContent' && returned instanceof Promise) {
    return tapSettlement(returned, (response) => call.onResponse(response), () => undefined);
  }
  return returned;
}
