/*
 * The redactor: built-in detectors and custom patterns (one scan per string), then the app's hook.
 * A failing hook drops the content piece being redacted (the caller keeps the span) with a diag warning
 * that never quotes the content.
 */
import { diag } from '@opentelemetry/api';
import { resolveRedactionSettings } from './settings';
import { scanMaybeJson } from './json-text';
import { minTextLength, scanText } from './scan';
import { ScanMemo } from './scan-memo';
import type { RedactionConfig, RedactionContext, RedactionResult, RedactionTally, Redactor } from './types';
import { walkJson } from './walk';

/** What `redactString` returns in place of a string whose hook failed. */
export const DROPPED_MARKER = '[REDACTED]';

/** Thrown through the walk to abandon a content piece once the hook has failed. */
class HookFailure extends Error {}

/** Each redactor's memo of scanned strings, for rememberedStrings. */
const memos = new WeakMap<Redactor, ScanMemo>();

/** How many strings a redactor of createRedactor remembers the scan of (tests and diagnostics). */
export function rememberedStrings(redactor: Redactor): number {
  return memos.get(redactor)?.size ?? 0;
}

export function createRedactor(config?: RedactionConfig, env: NodeJS.ProcessEnv = process.env): Redactor {
  const { kinds, rules, hook } = resolveRedactionSettings(config, env);
  const active = rules.length > 0 || hook !== undefined;
  const minLength = minTextLength(rules);
  const scans = new ScanMemo((text) => scanMaybeJson(text, rules));

  /**
   * The failure, described without the content: how the hook failed (the error's class, or the type it
   * returned), never its message, which may quote the value (a JSON.parse SyntaxError does).
   */
  function warnHookFailure(context: RedactionContext, what: string): void {
    diag.warn(
      `opentelemetry-instrumentation-genai: the redaction hook failed on ${context.field} (${what}); ` +
        'that content was dropped.',
    );
  }

  /** Anything else that failed (a throwing getter or Proxy in the content, say): named by type only. */
  function warnUnexpected(context: RedactionContext, err: unknown): void {
    diag.warn(
      `opentelemetry-instrumentation-genai: redacting ${context.field} failed ` +
        `(${err instanceof Error ? err.name : typeof err}); that content was dropped.`,
    );
  }

  /** Throws HookFailure (after warning) when the hook fails. */
  function redactOne(value: string, context: RedactionContext, tally: RedactionTally): string {
    let out = value;
    if (value.length >= minLength && rules.length > 0) {
      const scanned = scans.get(value);
      out = scanned.text;
      tally.count += scanned.count;
    }
    if (hook) {
      let hooked: unknown;
      try {
        hooked = hook(out, context);
      } catch (err) {
        warnHookFailure(context, `threw ${errorClassName(err)}`);
        throw new HookFailure();
      }
      if (typeof hooked !== 'string') {
        warnHookFailure(context, `returned ${hooked === null ? 'null' : typeof hooked}, not a string`);
        throw new HookFailure();
      }
      if (hooked !== out) {
        tally.count++;
        out = hooked;
      }
    }
    return out;
  }

  /** A long integer, as a string: the detectors only (the hook sees strings, not numbers). */
  function redactNumber(digits: string, tally: RedactionTally): string {
    if (digits.length < minLength) return digits;
    const scanned = scanText(digits, rules);
    tally.count += scanned.count;
    return scanned.text;
  }

  const redactor: Redactor = {
    kinds,
    active,
    redactString(value, context, tally = { count: 0, dropped: false }) {
      if (!active) return value;
      try {
        return redactOne(typeof value === 'string' ? value : String(value), context, tally);
      } catch (err) {
        if (!(err instanceof HookFailure)) warnUnexpected(context, err);
        tally.dropped = true;
        return DROPPED_MARKER;
      }
    },
    redactContent<T>(value: T, context: RedactionContext): RedactionResult<T> {
      if (!active) return { value: walkJson(value, (s) => s) as T, dropped: false, count: 0 };
      const tally: RedactionTally = { count: 0, dropped: false };
      try {
        const out = walkJson(
          value,
          (s) => redactOne(s, context, tally),
          (digits) => redactNumber(digits, tally),
        ) as T;
        return { value: out, dropped: false, count: tally.count };
      } catch (err) {
        if (!(err instanceof HookFailure)) warnUnexpected(context, err);
        return { value: undefined, dropped: true, count: 0 };
      }
    },
  };
  memos.set(redactor, scans);
  return redactor;
}

/** `SyntaxError`, `TypeError`, a custom class's name; for a non-Error value its type. Never the message. */
function errorClassName(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const name = err.constructor?.name;
  return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
}
