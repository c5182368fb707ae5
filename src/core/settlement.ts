/*
 * Observing a promise the app may never await, without changing what happens when it rejects.
 */
import { reportFailure } from './safely';

/**
 * A promise that settles as `promise` does, after `onValue` / `onError` saw the outcome. Hand it out in
 * place of `promise`: a reaction attached to `promise` itself marks its rejection as handled, and an app
 * that never awaits the call would lose the unhandled rejection it gets without instrumentation. The
 * returned promise rejects with the same reason, so that rejection stays unhandled exactly as before.
 */
export function tapSettlement<T>(
  promise: Promise<T>,
  onValue: (value: T) => void,
  onError: (error: unknown) => void,
): Promise<T> {
  // Caught inline rather than through `safely`: no closure per settlement.
  return promise.then(
    (value) => {
      try {
        onValue(value);
      } catch (err) {
        reportFailure('observing a call result', err);
      }
      return value;
    },
    (error: unknown) => {
      try {
        onError(error);
      } catch (err) {
        reportFailure('observing a call failure', err);
      }
      throw error;
    },
  );
}
