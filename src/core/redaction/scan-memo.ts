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
 * Bounded, in two generations: new strings go into the current one; when it holds GENERATION_ENTRIES
 * strings or GENERATION_CHARS UTF-16 units (keys and results), it becomes the previous one and the one
 * before is dropped. A string found in the previous generation moves to the current one, so what every
 * call uses stays. At most 2 × 512 strings and 2 × 2^19 characters; no per-entry eviction (deleting a
 * Map's oldest entries one by one leaves holes its iteration walks over). Strings longer than MAX_STRING
 * are not kept: V8 hashes such strings by length only, so equal-length ones would collide.
 */
import type { ScanResult } from './scan';

const GENERATION_ENTRIES = 512;
const GENERATION_CHARS = 1 << 19;
const MAX_STRING = 16_383;

export class ScanMemo {
  private current = new Map<string, ScanResult>();
  private previous = new Map<string, ScanResult>();
  private currentChars = 0;

  constructor(private readonly scan: (text: string) => ScanResult) {}

  /** The rules' result for `text`: remembered, or scanned now (and remembered when small enough). */
  get(text: string): ScanResult {
    if (text.length > MAX_STRING) return this.scan(text);
    const known = this.current.get(text);
    if (known !== undefined) return known;
    const older = this.previous.get(text);
    const result = older ?? this.scan(text);
    this.remember(text, result);
    return result;
  }

  /** How many strings are remembered (for tests). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  private remember(text: string, result: ScanResult): void {
    const chars = result.text === text ? text.length : text.length + result.text.length;
    if (this.current.size >= GENERATION_ENTRIES || this.currentChars + chars > GENERATION_CHARS) {
      this.previous = this.current;
      this.current = new Map();
      this.currentChars = 0;
    }
    this.current.set(text, result);
    this.currentChars += chars;
  }
}
