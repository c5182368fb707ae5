/*
 * The zero-code start's own settings: OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT and OTEL_LOG_LEVEL.
 * Unreadable values get one diag warning and the default; they never throw.
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, diagLogLevelFromEnv, resolveShutdownTimeout } from '../../src/startup/startup-config';

describe('startup settings', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    const logger: DiagLogger = { error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} };
    diag.disable();
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  });
  afterEach(() => diag.disable());

  test.each([
    [undefined, 5000],
    ['', 5000],
    ['  ', 5000],
    ['1500', 1500],
    [' 250 ', 250],
  ])('OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT=%j → %d ms, no warning', (raw, expected) => {
    expect(resolveShutdownTimeout({ OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT: raw })).toBe(expected);
    expect(warnings).toEqual([]);
  });

  test.each(['0', '-5', '2.5', '10s', 'soon', '99999999999999999999'])(
    'OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT=%j: one warning, the default',
    (raw) => {
      expect(resolveShutdownTimeout({ OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT: raw })).toBe(DEFAULT_SHUTDOWN_TIMEOUT_MS);
      expect(warnings).toEqual([
        `OTEL_INSTRUMENTATION_GENAI_SHUTDOWN_TIMEOUT=${JSON.stringify(raw)} is not a positive integer (milliseconds); using 5000.`,
      ]);
    },
  );

  test.each([
    [undefined, undefined],
    ['', undefined],
    ['info', DiagLogLevel.INFO],
    ['DEBUG', DiagLogLevel.DEBUG],
    [' warn ', DiagLogLevel.WARN],
    ['none', DiagLogLevel.NONE],
    ['all', DiagLogLevel.ALL],
    ['loud', undefined],
  ])('OTEL_LOG_LEVEL=%j → %j', (raw, expected) => {
    expect(diagLogLevelFromEnv({ OTEL_LOG_LEVEL: raw })).toBe(expected);
  });
});
