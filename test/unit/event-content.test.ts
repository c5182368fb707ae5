/*
 * src/core/event-content.ts with the repo's @opentelemetry/sdk-logs (which keeps array/map attributes):
 * the probe asks the real Logger, finds it keeps them, and never reaches the app's processors; loggers it
 * cannot ask get structured content, and are never emitted to. The old logs SDKs (before 0.211.0), where
 * the content becomes JSON strings with a warning, are installed and run by `npm run test:otel-lines`
 * (the otel-2.x-logs-0.210 line: test/compat/app-logs-sdk.cjs).
 */
import { logs } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PreparedContent } from '../../src/core/content';
import { STRUCTURED_LOGS_WARNING_CODE, eventContent, keepsStructuredAttributes } from '../../src/core/event-content';
import type { EventLogger } from '../../src/core/telemetry';

const content: PreparedContent = {
  structured: { 'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] },
  json: { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]' },
  meta: {},
};

function pipeline() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter } as never)] });
  return { exporter, provider, logger: provider.getLogger('event-content-test') as unknown as EventLogger };
}

describe('structured content on the details log record', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => void warnings.push(w);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => void process.off('warning', onWarning));

  it('asks the real Logger (it keeps arrays of maps): structured content, no warning, no record reaches the app', async () => {
    const { exporter, logger } = pipeline();
    expect(keepsStructuredAttributes(logger)).toBe(true);
    expect(eventContent(logger, content)).toBe(content.structured);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exporter.getFinishedLogRecords()).toEqual([]);
    expect(warnings.filter((w) => (w as { code?: string }).code === STRUCTURED_LOGS_WARNING_CODE)).toEqual([]);

    logger.emit({ eventName: 'gen_ai.client.inference.operation.details', attributes: eventContent(logger, content) });
    expect(exporter.getFinishedLogRecords().map((r) => r.attributes)).toEqual([content.structured]);
  });

  it('asks the Logger behind an API ProxyLogger (the global logger provider), not the proxy', () => {
    const { exporter, provider } = pipeline();
    // A logger taken before the global provider is set is the API's ProxyLogger.
    const proxyLogger = logs.getLogger('event-content-test') as unknown as EventLogger & { _getLogger?: unknown };
    expect(typeof proxyLogger._getLogger).toBe('function');
    logs.setGlobalLoggerProvider(provider);
    try {
      expect(keepsStructuredAttributes(proxyLogger)).toBe(true);
      expect(exporter.getFinishedLogRecords()).toEqual([]);
    } finally {
      logs.disable();
    }
  });

  it('a logger it cannot ask (another implementation, or fields it does not know) gets structured content and no probe record', () => {
    const emitted: unknown[] = [];
    const foreign = { emit: (record: unknown) => void emitted.push(record) };
    expect(keepsStructuredAttributes(foreign)).toBeUndefined();
    expect(eventContent(foreign, content)).toBe(content.structured);

    const { exporter, logger } = pipeline();
    Object.assign(logger, { _someFutureField: true });
    expect(keepsStructuredAttributes(logger)).toBeUndefined();
    expect(emitted).toEqual([]);
    expect(exporter.getFinishedLogRecords()).toEqual([]);
  });
});
