/* Small async helpers the integration tests share: draining streams and catching the failures they expect. */

/** Every item of an async iterable, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The items an async iterable yields until it ends or throws, and what it threw (undefined if it ended). */
export async function collectUntilError<T>(iterable: AsyncIterable<T>): Promise<{ items: T[]; error: any }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

/** What the promise rejects with; fails if it resolves. */
export async function captureRejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
