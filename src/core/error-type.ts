import { ERROR_TYPE_VALUE_OTHER } from './semconv';

/**
 * `error.type` for a failed call: the SDK's error class name (e.g. `RateLimitError`), else the HTTP
 * status code, else `_OTHER`. Class names are low-cardinality and say more than a bare status.
 * Never throws (a throwing getter or proxy trap on the error gives `_OTHER`): the call's span is
 * ended after this runs.
 */
export function errorTypeOf(error: unknown): string {
  try {
    if (error && typeof error === 'object') {
      const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number') return String(status);
    }
  } catch {
    // fall through
  }
  return ERROR_TYPE_VALUE_OTHER;
}
