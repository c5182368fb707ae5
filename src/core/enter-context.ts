/*
 * Makes a context active for the rest of the current asynchronous execution (the async function that is
 * running and what it starts), for frameworks that announce a step through a callback that returns to
 * the step's own code: `context.with` cannot wrap code that runs after the callback returns. Uses the
 * global context manager's `attach` (@opentelemetry/context-async-hooks >= 2.2), else the
 * AsyncLocalStorage's `enterWith` of the AsyncLocalStorageContextManager. Returns whether it could.
 *
 * Only call it inside an async function after its first `await`: before it, the change reaches the
 * caller's own execution.
 */
import { type Context, context as contextApi } from '@opentelemetry/api';
import { safely } from './safely';

interface AttachingContextManager {
  attach?(ctx: Context): unknown;
  _asyncLocalStorage?: { enterWith?(ctx: Context): void };
}

export function enterContext(ctx: Context): boolean {
  return safely(
    'entering a GenAI stage context',
    () => {
      const manager = (contextApi as unknown as { _getContextManager?(): AttachingContextManager })._getContextManager?.();
      if (typeof manager?.attach === 'function') {
        manager.attach(ctx);
        return true;
      }
      const storage = manager?._asyncLocalStorage;
      if (typeof storage?.enterWith === 'function') {
        storage.enterWith(ctx);
        return true;
      }
      return false;
    },
    false,
  );
}
