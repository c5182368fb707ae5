/*
 * The step of a LangChain run runs in the run's context. LangChain announces a run with
 * `await callbackManager.handleChainStart(...)` (tools, retrievers likewise) inside the async function
 * that then runs the step: the handler started the run's span during that call, and making its context
 * active there (../../core/enter-context.ts) covers the rest of that function, so what the step calls
 * (a chat model's SDK call, a child run) starts under the run's span. The caller of that function keeps
 * its own context: its `await` resumes in the context it had.
 */
import type { Context } from '@opentelemetry/api';
import { enterContext } from '../../core/enter-context';

export function enterStartedRun(started: Context | undefined): void {
  if (started) enterContext(started);
}
