/*
 * The content on the details log record: structured values (arrays and maps, as the GenAI conventions want
 * on events), unless the logs SDK in use drops them. @opentelemetry/sdk-logs before 0.211.0 (and so
 * @opentelemetry/sdk-node before 0.211.0, which pins it; both inside this package's ranges) accepts as a
 * log attribute value only a primitive, an array of one primitive type, or a non-empty map: an array of
 * maps, i.e. every content attribute, is dropped with nothing but a diag message, and EVENT_ONLY would
 * export no content at all. 0.211.0 checks log attributes as AnyValue (isLogAttributeValue) and keeps them.
 *
 * A logger does not say which it is, so it is asked once: a record holding an array of maps goes through
 * the logger's own `emit` and record class into a processor of ours, with a shared state that holds only
 * what a record is built from (resource, limits), nothing of the app's pipeline: an emit path that needs
 * anything else throws here instead of reaching the app's processors, and a logger with fields we do not
 * know is not asked at all. A logger that drops the array gets the content as the JSON strings the span
 * gets, and a Node warning says so once per process (seen without OTEL_LOG_LEVEL). A logger that cannot
 * be asked (another implementation, the no-op logger) gets structured values, as always.
 */
import { ROOT_CONTEXT, diag } from '@opentelemetry/api';
import type { AnyValue } from '@opentelemetry/api-logs';
import type { PreparedContent } from './content';
import type { EventLogger } from './telemetry';

export const STRUCTURED_LOGS_WARNING_CODE = 'OTEL_GENAI_LOGS_SDK_DROPS_STRUCTURED';
export const STRUCTURED_LOGS_WARNING =
  'opentelemetry-instrumentation-genai: the OpenTelemetry logs SDK in use drops array and map log attributes ' +
  '(@opentelemetry/sdk-logs before 0.211.0, also brought by @opentelemetry/sdk-node before 0.211.0), so message ' +
  'content on gen_ai.client.inference.operation.details log records is recorded as JSON strings instead of ' +
  'structured values. Upgrade @opentelemetry/sdk-logs (or @opentelemetry/sdk-node) to 0.211.0 or later for structured content.';

const PROBE_ATTRIBUTE = 'opentelemetry-instrumentation-genai.structured_attribute_probe';
/** The own fields of @opentelemetry/sdk-logs' Logger (0.200 to 3.x); any other one: not asked. */
const KNOWN_LOGGER_FIELDS = new Set(['instrumentationScope', '_instrumentationScope', '_sharedState', '_loggerConfig']);

/** Per logger (the one behind an API proxy): keeps an array of maps (true), drops it (false), cannot tell (undefined). */
const verdicts = new WeakMap<object, boolean | undefined>();
let warned = false;

interface SdkLoggerLike {
  emit?: unknown;
  _sharedState?: { resource?: unknown; logRecordLimits?: unknown } | null;
}

/** The logger an API ProxyLogger (api-logs, or @opentelemetry/api >= 1.10) forwards to; else the logger itself. */
function delegateOf(logger: object): unknown {
  const getLogger = (logger as { _getLogger?: unknown })._getLogger;
  return typeof getLogger === 'function' ? getLogger.call(logger) : logger;
}

/** Emits a record with an array of maps through `logger`'s own code into a processor of ours (see the header). */
function probe(logger: SdkLoggerLike): boolean | undefined {
  const shared = logger._sharedState;
  if (typeof logger.emit !== 'function' || !shared || typeof shared !== 'object') return undefined;
  if (Object.keys(logger).some((field) => !KNOWN_LOGGER_FIELDS.has(field))) return undefined;
  let seen: { attributes?: Record<string, unknown> } | undefined;
  const processor = {
    onEmit: (record: { attributes?: Record<string, unknown> }) => void (seen = record),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const probeState = {
    resource: shared.resource,
    logRecordLimits: shared.logRecordLimits,
    activeProcessor: processor,
    processors: [processor],
    loggerMetrics: { emitLog: () => undefined },
  };
  const probeLogger = Object.create(logger, { _sharedState: { value: probeState } }) as { emit(record: unknown): void };
  try {
    probeLogger.emit({ attributes: { [PROBE_ATTRIBUTE]: [{ probe: 'map' }] }, context: ROOT_CONTEXT });
  } catch {
    return undefined;
  }
  return seen ? Array.isArray(seen.attributes?.[PROBE_ATTRIBUTE]) : undefined;
}

/** Whether the logger keeps array and map attributes on its records (undefined: cannot tell). */
export function keepsStructuredAttributes(logger: EventLogger): boolean | undefined {
  const target = delegateOf(logger);
  if (!target || typeof target !== 'object') return undefined;
  if (verdicts.has(target)) return verdicts.get(target);
  const verdict = probe(target as SdkLoggerLike);
  verdicts.set(target, verdict);
  return verdict;
}

function warnOnce(): void {
  if (warned) return;
  warned = true;
  diag.warn(STRUCTURED_LOGS_WARNING);
  process.emitWarning(STRUCTURED_LOGS_WARNING, { code: STRUCTURED_LOGS_WARNING_CODE });
}

/** The content attributes for the details record `logger` will emit: structured, or JSON strings where they would be dropped. */
export function eventContent(logger: EventLogger, content: PreparedContent): Record<string, AnyValue> {
  let keeps: boolean | undefined;
  try {
    keeps = keepsStructuredAttributes(logger);
  } catch {
    keeps = undefined;
  }
  if (keeps !== false) return content.structured;
  warnOnce();
  return content.json;
}
