/*
 * Whether the app stopped reading a streamText result before the AI SDK finished it. The AI SDK settles
 * the full result (its total usage, its last step) only as the result's own stream is read: every stream
 * the app takes from it (`textStream`, `fullStream`, `toUIMessageStream()`, `consumeStream()`, ...) is a
 * branch of it, split off by the result's `teeStream()`. When the app stops reading every branch it took
 * (`break`, `return()`, cancel) before the end, nothing reads on: the AI SDK never finishes the call.
 *
 * `teeStream` is wrapped once on the result class's prototype (the class is not exported: it is found
 * from a result); only the branches of a watched result are observed, each passed on unchanged (same
 * parts, same errors, a cancel reaches the AI SDK's branch as before).
 */
import { asObject, safely } from '../../core';

type Fn = (...args: unknown[]) => unknown;

interface StreamReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

interface Branch {
  getReader(): StreamReader;
}

/** One watched result: its branches still being read, and what to do once the app stopped reading them all. */
class Watch {
  private open = 0;
  constructor(private readonly onStopped: () => void) {}

  observe(branch: Branch): unknown {
    this.open++;
    let reader: StreamReader | undefined;
    let closed = false;
    const close = (stopped: boolean) => {
      if (closed) return;
      closed = true;
      this.open--;
      if (stopped && this.open === 0) safely('observing an AI SDK stream result', this.onStopped, undefined);
    };
    return new ReadableStream(
      {
        async pull(controller) {
          reader ??= branch.getReader();
          let step: { done: boolean; value?: unknown };
          try {
            step = await reader.read();
          } catch (error) {
            close(false);
            controller.error(error);
            return;
          }
          if (step.done) {
            close(false);
            controller.close();
          } else controller.enqueue(step.value);
        },
        cancel(reason) {
          close(true);
          return (reader ??= branch.getReader()).cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
  }
}

const watches = new WeakMap<object, Watch>();
/** The prototypes whose teeStream is wrapped → their own teeStream. */
const wrapped = new Map<Record<string, unknown>, Fn>();

/** Calls `onStopped` once the app stopped reading every stream it took from `result` before its end. */
export function watchStreamResult(result: unknown, onStopped: () => void): void {
  const r = asObject(result);
  const prototype = r && (Object.getPrototypeOf(r) as Record<string, unknown> | null);
  if (!r || !prototype || typeof prototype.teeStream !== 'function' || typeof ReadableStream !== 'function') return;
  if (!wrapped.has(prototype)) {
    const teeStream = prototype.teeStream as Fn;
    wrapped.set(prototype, teeStream);
    prototype.teeStream = function (this: object, ...args: unknown[]) {
      const branch = teeStream.apply(this, args);
      const watch = watches.get(this);
      if (!watch || typeof (branch as Partial<Branch> | undefined)?.getReader !== 'function') return branch;
      return safely('observing an AI SDK stream result', () => watch.observe(branch as Branch), branch);
    };
  }
  watches.set(r, new Watch(onStopped));
}

/** Puts every wrapped teeStream back (the instrumentation is disabled). */
export function unwatchStreamResults(): void {
  for (const [prototype, teeStream] of wrapped) prototype.teeStream = teeStream;
  wrapped.clear();
}
