/*
 * Public types of the redaction step: which detectors exist, how it is configured, what the hook sees,
 * and what a redactor returns.
 */

/** The built-in detector families, as named in the config and in OTEL_INSTRUMENTATION_GENAI_REDACT. */
export type DetectorKind = 'secrets' | 'iban' | 'cards' | 'email' | 'phone' | 'ip' | 'national_id';

/**
 * All kinds, in priority order: where matches of two kinds overlap the earlier kind wins (an IBAN is not
 * also a card number, a card not a phone number, an SSN not a phone number, a URL password not an email).
 */
export const DETECTOR_KINDS: readonly DetectorKind[] = ['secrets', 'iban', 'cards', 'national_id', 'email', 'ip', 'phone'];

/**
 * On when nothing says otherwise (whenever content is captured): credentials and the numbers that move
 * money (bank accounts, cards), which carry a check digit and so are rarely mistaken.
 */
export const DEFAULT_DETECTOR_KINDS: readonly DetectorKind[] = ['secrets', 'iban', 'cards'];

/** Which piece of captured content a value belongs to. */
export type RedactionField =
  | 'system_instructions'
  | 'input.messages'
  | 'output.messages'
  | 'tool.definitions'
  | 'tool.call.arguments'
  | 'tool.call.result'
  | 'retrieval.query'
  | 'retrieval.documents'
  /** The message of a failed call's or stage's error (span status, exception event), when content is captured. */
  | 'error.message';

export interface RedactionContext {
  readonly field: RedactionField;
}

/**
 * The app's own rule, called once per string value (after the detectors and custom patterns ran, so it
 * sees markers in place of what they caught). Must return a string; throwing or returning anything else
 * drops the whole content piece being redacted (the span is kept) with a diag warning.
 */
export type RedactionHook = (value: string, context: RedactionContext) => string;

export interface RedactionPattern {
  /** Names the default marker: `[REDACTED:<NAME>]` (upper-cased, [A-Z0-9_] only). */
  name: string;
  /** A RegExp (its flags are kept; `g` is added) or a RegExp source string. */
  pattern: RegExp | string;
  /** Replaces each match; default `[REDACTED:<NAME>]`. */
  marker?: string;
}

export interface RedactionConfig {
  /**
   * Built-in detector kinds: a list (`['secrets', 'cards', 'email']`), `'all'` or `'none'`. Default
   * `['secrets', 'iban', 'cards']`. OTEL_INSTRUMENTATION_GENAI_REDACT, when set, wins over this option.
   */
  detectors?: readonly string[] | 'all' | 'none' | string;
  /** The app's own patterns; applied after the built-in detectors, whatever the detector setting. */
  patterns?: readonly RedactionPattern[];
  /** The app's own rule for each string value; see RedactionHook. */
  hook?: RedactionHook;
}

/** What `redactContent` returns. `dropped`: the hook failed, `value` is undefined and must not be emitted. */
export interface RedactionResult<T> {
  value: T | undefined;
  dropped: boolean;
  /** Replacements made in `value` (0 when dropped). */
  count: number;
}

/** A running count a caller can pass to `redactString` (e.g. one per span). */
export interface RedactionTally {
  count: number;
  dropped: boolean;
}

export interface Redactor {
  /** The built-in detector kinds in force, in priority order. */
  readonly kinds: readonly DetectorKind[];
  /** False when there is nothing to do (no detector, pattern or hook): callers may skip redaction. */
  readonly active: boolean;
  /**
   * Redacts one string. If the hook fails the whole string becomes `[REDACTED]` and `tally.dropped` is set.
   * Replacements are added to `tally.count`.
   */
  redactString(value: string, context: RedactionContext, tally?: RedactionTally): string;
  /**
   * Redacts every string value (not object keys) in a JSON-like value and returns a new structure; the
   * input is never mutated. Numbers, booleans and null stay, except integers of 13-19 digits that are
   * card numbers (they become the marker string). A string that holds JSON is redacted value by value
   * (see json-text.ts). Cycles become "[Circular]", values nested deeper than 64 levels "[Truncated]",
   * bigints strings; functions and symbols are left out (null in arrays). Never throws.
   */
  redactContent<T>(value: T, context: RedactionContext): RedactionResult<T>;
}
