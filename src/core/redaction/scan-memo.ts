/*
 * What the rules made of a string recently seen, so it is not scanned again. A chat app sends its whole
 * conversation on every turn: the system prompt and the history are the same strings call after call
 * (the same objects, mostly, whose hash V8 keeps), and only the newest messages are new. With the memo,
 * redacting a conversation costs its new messages, not its length.
 *
 * The scan is a pure function of the text and the rules (one memo per redactor, whose rules never
 * change), so a remembered result is exactly what a new scan would give. Only the rules' part is kept:
 * the app's hook runs on every call (it sees the context and may have side effects).
 *
 * Bounded: at most MAX_ENTRIES strings and MAX_CHARS UTF-16 units of keys and results together, oldest
 * out first; strings longer than MAX_STRING are not kept (V8 hashes such strings by length only, so
 * equal-length ones would collide, and they are rare and large).
 */
import type { ScanResult } from './scan';

const MAX_ENTRIES = 1024;
const MAX_CHARS = 1 << 20;
const MAX_STRING = 16_383;

export class ScanMemo {
  private readonly results = new Map<string, ScanResult>();
  private chars = 0;

  constructor(private readonly scan: (text: string) => ScanResult) {}

  /** The rules' result for `text`: remembered, or scanned now (and remembered when small enough). */
  get(text: string): ScanResult {
    if (text.length > MAX_STRING) return this.scan(text);
    const known = this.results.get(text);
    if (known !== undefined) return known;
    const result = this.scan(text);
    this.remember(text, result);
    return result;
  }

  /** How many strings are remembered (for tests). */
  get size(): number {
    return this.results.size;
  }

  private remember(text: string, result: ScanResult): void {
    const results = this.results;
    this.chars += cost(text, result);
    results.set(text, result);
    while (results.size > MAX_ENTRIES || this.chars > MAX_CHARS) {
      const oldest: string = results.keys().next().value!;
      this.chars -= cost(oldest, results.get(oldest)!);
      results.delete(oldest);
    }
  }
}

/** The characters an entry holds: its key, and its result when that is another string. */
function cost(text: string, result: ScanResult): number {
  return result.text === text ? text.length : text.length + result.text.length;
}
