/* Environment variables in tests: cleared for a block of tests, or set around one call. */

/** The content capture variable of the GenAI conventions (it wins over the instrumentation config). */
export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** Clears these environment variables for the enclosing block and puts them back after it. */
export function useClearedEnv(keys: readonly string[]): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of keys) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterAll(() => {
    for (const k of keys) if (saved[k] !== undefined) process.env[k] = saved[k];
  });
}

/** Runs `fn` with an environment variable set (or removed, for undefined), then restores it. */
export async function withEnv<T>(key: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[key];
  const set = (v: string | undefined) => {
    if (v === undefined) delete process.env[key];
    else process.env[key] = v;
  };
  set(value);
  try {
    return await fn();
  } finally {
    set(saved);
  }
}
