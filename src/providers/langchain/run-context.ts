/*
 * The step of a LangChain run runs in the run's context. LangChain announces a run with
 * `await callbackManager.handleChainStart(...)` (tools, retrievers, models likewise) inside the async
 * function that then runs the step: the handler started the run's span during that call, and making its
 * context active there (../../core/enter-context.ts) covers the rest of that function, so what the step
 * calls (a chat model's SDK call, a child run) starts under the run's span. The caller of that function
 * keeps its own context: its `await` resumes in the context it had.
 *
 * Except where the announcing function has not awaited yet: `.batch()` announces each input's run from
 * `inputs.map(async (...) => await manager.handleChainStart(...))`, so the first run's context stays
 * active in the loop that goes on to announce the next input's run, a sibling that would start under it.
 * A run announced in the same synchronous stretch as the run entered last, with that run's context still
 * active, is such a sibling: the context from before that run comes back first.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import { enterContext } from '../../core/enter-context';

/** The run context entered last, and what was active before, until the current synchronous stretch ends. */
let lastEntered: { entered: Context; over: Context } | undefined;

export function enterStartedRun(started: Context | undefined): void {
  if (!started) return;
  const entry = { entered: started, over: contextApi.active() };
  if (!enterContext(started)) return;
  lastEntered = entry;
  queueMicrotask(() => {
    if (lastEntered === entry) lastEntered = undefined;
  });
}

/** Before a run is announced: undoes the context of a run entered earlier in this synchronous stretch, still active here. */
export function leaveLeakedRun(): void {
  const last = lastEntered;
  if (last && contextApi.active() === last.entered) {
    lastEntered = undefined;
    enterContext(last.over);
  }
}
