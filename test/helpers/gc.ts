/*
 * Garbage collection on demand inside a test: the abandoned-call tests drop every reference to an SDK
 * stream or promise and need the collector, and the FinalizationRegistry callbacks after it, to run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `done()` holds (finalizers run between rounds); false after `rounds` rounds without. */
export async function collectGarbageUntil(done: () => boolean, rounds = 30): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (done()) return true;
  }
  return false;
}
