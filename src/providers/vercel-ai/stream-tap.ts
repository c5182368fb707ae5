/*
 * A streamed model call's parts: the `doStream` result's `stream` (a ReadableStream of LanguageModel stream
 * parts) is replaced, before the AI SDK reads it, by one that passes every part on unchanged and reports it
 * to the core StreamObserver; cancelling it (the app stopped reading, or aborted) cancels the model's
 * stream, and an error of the model's stream reaches the AI SDK unchanged. The AI SDK publishes the result
 * object (or a copy whose `stream` writes through to it) on its telemetry channel just before it reads
 * `stream`: that is where the replacement happens.
 */
import type { ChunkHandler, Invocation } from '../../core';
import { StreamObserver } from '../../core';

interface StreamReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

/** Observes `result.stream`; false (and nothing changed) when it holds no ReadableStream it can replace. */
export function observeStreamResult(result: unknown, invocation: Invocation, handler: ChunkHandler): boolean {
  const holder = result as { stream?: { getReader?: () => StreamReader } } | undefined;
  const source = holder?.stream;
  if (!source || typeof source.getReader !== 'function' || typeof ReadableStream !== 'function') return false;
  const observer = new StreamObserver(invocation, handler);
  let reader: StreamReader | undefined;
  const observed = new ReadableStream(
    {
      async pull(controller) {
        reader ??= source.getReader!();
        let step: { done: boolean; value?: unknown };
        try {
          step = await reader.read();
        } catch (error) {
          observer.fail(error);
          controller.error(error);
          return;
        }
        if (step.done) {
          observer.complete();
          controller.close();
          return;
        }
        observer.chunk(step.value);
        controller.enqueue(step.value);
      },
      cancel(reason) {
        observer.stop();
        return (reader ??= source.getReader!()).cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  try {
    holder!.stream = observed as never;
  } catch {
    invocation.end({});
    return false;
  }
  if (holder!.stream !== (observed as never)) {
    invocation.end({});
    return false;
  }
  observer.waitOnApp(observed);
  return true;
}
