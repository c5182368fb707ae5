/*
 * How a failure is written down. An error's message often echoes the request (a provider's 400 quotes
 * the offending message; a tool's error quotes its arguments), so it is content: it is recorded only
 * where content is captured, and then redacted like content; otherwise the record names the error by its
 * type only. The stack trace loses its first line (`Name: message`) the same way; its frames stay.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ContentSafeguards } from './content-safeguards';
import { safely } from './safely';
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from './semconv';

/** The most characters of a message kept (before redaction): a status description is not a transcript. */
const MAX_MESSAGE_CHARS = 4096;

export interface ErrorRecord {
  /** The span status description: the (redacted) message, or undefined when content is not captured. */
  readonly statusMessage: string | undefined;
  /** The `exception.*` attributes (of the span's exception event and the exception log record). */
  readonly exception: Attributes;
}

/**
 * `withMessage`: content is captured where this record goes; `safeguards` redact the message then.
 * `type`: the exception's type when the failure is not a thrown error (a provider-reported error code).
 */
export function errorRecord(failure: unknown, withMessage: boolean, safeguards: ContentSafeguards, type?: string): ErrorRecord {
  const facts = safely('reading an error', () => factsOf(failure), { type: undefined, message: undefined, stack: undefined });
  const exceptionType = type ?? facts.type;
  const message = withMessage && facts.message ? redactMessage(facts.message, safeguards) : undefined;
  const exception: Attributes = {};
  if (exceptionType) exception[ATTR_EXCEPTION_TYPE] = exceptionType;
  if (message !== undefined) exception[ATTR_EXCEPTION_MESSAGE] = message;
  // The conventions need a type or a message: with neither, the type is the JS type of what was thrown.
  if (!exceptionType && message === undefined) exception[ATTR_EXCEPTION_TYPE] = typeof failure;
  if (facts.stack) exception[ATTR_EXCEPTION_STACKTRACE] = stackWith(facts, message);
  return { statusMessage: message, exception };
}

interface ErrorFacts {
  type: string | undefined;
  message: string | undefined;
  stack: string | undefined;
}

/** As the SDK's recordException reads an error: `code` or `name` for the type. */
function factsOf(failure: unknown): ErrorFacts {
  if (typeof failure === 'string') return { type: undefined, message: failure, stack: undefined };
  if (!failure || typeof failure !== 'object') return { type: undefined, message: undefined, stack: undefined };
  const e = failure as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
  const code = e.code;
  const type = code !== undefined && code !== null && code !== '' ? String(code) : typeof e.name === 'string' ? e.name : undefined;
  return {
    type,
    message: typeof e.message === 'string' ? e.message : undefined,
    stack: typeof e.stack === 'string' ? e.stack : undefined,
  };
}

function redactMessage(message: string, safeguards: ContentSafeguards): string {
  return safeguards.redactor.redactString(message.slice(0, MAX_MESSAGE_CHARS), { field: 'error.message' });
}

/** The stack trace with its header line rewritten: `Name: <message>` with the recorded message, or `Name` alone. */
function stackWith(facts: ErrorFacts, message: string | undefined): string {
  const frames = facts.stack!.split('\n').filter((line) => /^\s+at /.test(line));
  const name = facts.stack!.match(/^[A-Za-z_$][\w$.]*/)?.[0] ?? 'Error';
  return [message === undefined ? name : `${name}: ${message}`, ...frames].join('\n');
}
