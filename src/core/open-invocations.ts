/*
 * Every started call ends up in the record, also when the app never finishes it: a stream never
 * iterated or dropped half-read, a `create()` promise never awaited. Such a call is ended ("abandoned")
 * exactly once, by whichever comes first:
 * - garbage collection: every object through which the app could still finish the call (the SDK's
 *   promise, its stream, the iterators taken from it) was collected;
 * - the idle limit: the call waited on the app (its response had arrived, or its stream had delivered a
 *   chunk) for longer than the limit without any sign of life;
 * - shutdown: the process is ending (see endOpenInvocations), and the record is written now or never.
 *
 * A framework's call that is only the sum of the calls under it (the AI SDK's tool loop: model calls and tool
 * runs, whose end the framework reports) has no handle and no response of its own: an OpenParentCall. It
 * is idle while none of its children is open (from its start until the first child starts, and from the end
 * of its last open child), and ended by the same limit or shutdown.
 *
 * The set of open calls is process-wide, shared by every copy of this package through a global symbol,
 * so one shutdown ends the calls of all of them.
 */
import { diag } from '@opentelemetry/api';

export type AbandonCause = 'garbage_collected' | 'idle_timeout' | 'shutdown';

/** What the registry needs of a call in flight (implemented by Invocation). */
export interface OpenCall {
  /** When the call started waiting on the app (ms, performance.now()); undefined while its request is in flight. */
  readonly idleSince: number | undefined;
  readonly idleTimeoutMs: number;
  /** Handles of the call the app may still hold (see watchHandle). */
  liveHandles: number;
  /** Whether the SDK is still turning the response into what the app gets (no handle may exist meanwhile). */
  readonly settling: boolean;
  abandon(cause: AbandonCause): void;
}

interface Registry {
  open: Set<OpenCall>;
  collected: FinalizationRegistry<OpenCall>;
  sweeper: NodeJS.Timeout | undefined;
  sweepEveryMs: number;
}

const REGISTRY_KEY = Symbol.for('opentelemetry-instrumentation-genai.open-calls');
const MAX_SWEEP_MS = 1_000;

const registry: Registry = ((globalThis as { [REGISTRY_KEY]?: Registry })[REGISTRY_KEY] ??= {
  open: new Set(),
  collected: new FinalizationRegistry<OpenCall>(handleCollected),
  sweeper: undefined,
  sweepEveryMs: MAX_SWEEP_MS,
});

function handleCollected(call: OpenCall): void {
  call.liveHandles--;
  if (call.liveHandles <= 0 && !call.settling) call.abandon('garbage_collected');
}

export function trackOpenCall(call: OpenCall): void {
  registry.open.add(call);
  // The idle check runs a few times per limit (at least once a second), only while calls are open.
  const every = call.idleTimeoutMs > 0 ? Math.max(25, Math.min(MAX_SWEEP_MS, Math.floor(call.idleTimeoutMs / 4))) : MAX_SWEEP_MS;
  if (registry.sweeper && every >= registry.sweepEveryMs) return;
  clearInterval(registry.sweeper);
  registry.sweepEveryMs = every;
  registry.sweeper = setInterval(sweepIdle, every);
  registry.sweeper.unref();
}

export function untrackOpenCall(call: OpenCall): void {
  registry.open.delete(call);
  registry.collected.unregister(call);
  // The sweeper is not stopped here: calls made one after another would create and clear a timer per call.
  // The sweep stops it once it finds no open call (it is unref'd, so it never holds the process).
}

/**
 * `handle` is an object through which the app can still finish `call` (its promise, stream or iterator).
 * When every handle registered for a call has been garbage collected, the call is abandoned. The caller
 * must make sure nothing `call` references keeps `handle` alive.
 */
export function watchHandle(handle: object, call: OpenCall): void {
  call.liveHandles++;
  registry.collected.register(handle, call, call);
}

/** A child of an OpenParentCall: open until `isOpen` says otherwise; abandoned with its parent if still open. */
export interface OpenChild {
  isOpen(): boolean;
  abandon?(cause: AbandonCause): void;
}

/**
 * An open call made of child calls (see the file header), tracked from its construction until `end` or
 * `abandon`; abandoning it abandons its children that are still open, then calls `onAbandoned`.
 */
export class OpenParentCall implements OpenCall {
  liveHandles = 0;
  readonly settling = false;
  private readonly children = new Set<OpenChild>();
  /** When its last open child ended (or it started); undefined while a child is open. */
  private quietSince: number | undefined = performance.now();
  private done = false;

  constructor(
    readonly idleTimeoutMs: number,
    private readonly onAbandoned: (cause: AbandonCause) => void,
  ) {
    trackOpenCall(this);
  }

  get idleSince(): number | undefined {
    if (this.openChildren() > 0) return (this.quietSince = undefined);
    // A child that ended without telling (an LLM call ended by its stream) is noticed here.
    return (this.quietSince ??= performance.now());
  }

  get isEnded(): boolean {
    return this.done;
  }

  /** A child starts: the call is busy until it (and every other child) is no longer open. */
  addChild(child: OpenChild): void {
    if (this.done) return;
    this.children.add(child);
    this.quietSince = undefined;
  }

  /** A child may have ended: the idle clock starts now when no child is open. */
  childEnded(): void {
    if (!this.done && this.openChildren() === 0) this.quietSince ??= performance.now();
  }

  /** The call ended as the framework reports it: no longer tracked. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.children.clear();
    untrackOpenCall(this);
  }

  abandon(cause: AbandonCause): void {
    if (this.done) return;
    const children = [...this.children];
    this.end();
    for (const child of children) if (child.isOpen()) child.abandon?.(cause);
    this.onAbandoned(cause);
  }

  /** How many children are open; forgets the others. */
  private openChildren(): number {
    for (const child of this.children) if (!child.isOpen()) this.children.delete(child);
    return this.children.size;
  }
}

/** Ends every open call as abandoned by `cause` (default: shutdown); returns how many there were. */
export function endOpenInvocations(cause: AbandonCause = 'shutdown'): number {
  const calls = [...registry.open];
  for (const call of calls) {
    try {
      call.abandon(cause);
    } catch (error) {
      diag.error('opentelemetry-instrumentation-genai: ending an abandoned call failed', error);
    }
  }
  return calls.length;
}

/** How many calls are open now (for tests and diagnostics). */
export function openInvocationCount(): number {
  return registry.open.size;
}

function sweepIdle(): void {
  if (registry.open.size === 0) {
    clearInterval(registry.sweeper);
    registry.sweeper = undefined;
    registry.sweepEveryMs = MAX_SWEEP_MS;
    return;
  }
  const now = performance.now();
  for (const call of registry.open) {
    const since = call.idleSince;
    if (since !== undefined && call.idleTimeoutMs > 0 && now - since >= call.idleTimeoutMs) call.abandon('idle_timeout');
  }
}
