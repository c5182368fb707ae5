/*
 * The durable export end to end (src/spool/durable-export.ts): the real OpenTelemetry SDK (a
 * BasicTracerProvider, a LoggerProvider) with the spool's processors, exporting OTLP/HTTP to a loopback
 * receiver. What arrives is exactly what the SDK's own serializer makes of the same spans and records;
 * the programmatic path is run in child processes that end abruptly, and the next process sends what
 * they left.
 */
import { newCounters } from '../../src/spool/spool-report';
import { type Attributes, type Context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeBatch } from '../../src/spool/batch-file';
import type * as DurableModule from '../../src/spool/durable-export';
import { ROOT, useBuiltPackage } from '../helpers/child-app';
import { useClearedEnv } from '../helpers/env';
import { ScriptedReceiver, waitFor } from '../helpers/otlp-scripted-receiver';

const ENV = [
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_INSTRUMENTATION_GENAI_SPOOL_ENABLED',
  'OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR',
  'OTEL_INSTRUMENTATION_GENAI_SPOOL_MAX_BYTES',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
];
useClearedEnv(ENV);

let temp: string;
let receiver: ScriptedReceiver;
let warnings: string[];
let durables: DurableModule.DurableExport[];
let envSet: Record<string, string | undefined>;

/** Sets environment variables for this test only (put back after it). */
function setEnv(vars: Record<string, string>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!(key in envSet)) envSet[key] = process.env[key];
    process.env[key] = value;
  }
}

/**
 * The HTTP agent, given as the SDK's own exporter option `httpAgentOptions` (which the spool passes on to
 * the SDK's configuration). Without it the SDK's default agent factory would be used, which loads
 * node:http with a dynamic import(): inside Jest's module sandbox that throws (it needs
 * --experimental-vm-modules), so nothing could be sent from this process. The child-process tests below
 * run the default factory, as an app does.
 */
const AGENT = { httpAgentOptions: () => new Agent({ keepAlive: true }) } as DurableModule.DurableExportOptions['traces'] & object;

/**
 * A DurableExport from fresh modules (the spool's warnings are printed once per process, that is per
 * module instance here, and each test counts its own), spooling under this test's temp directory.
 */
function createDurable(options: DurableModule.DurableExportOptions = {}): DurableModule.DurableExport {
  let create!: typeof DurableModule.createDurableExport;
  jest.isolateModules(() => {
    create = (require('../../src/spool/durable-export') as typeof DurableModule).createDurableExport;
  });
  const withAgent = (o: DurableModule.DurableExportOptions['traces']) => (o === false ? false : { ...AGENT, ...o });
  const durable = create({ directory: join(temp, 'spool'), ...options, traces: withAgent(options.traces), logs: withAgent(options.logs) });
  durables.push(durable);
  return durable;
}

beforeEach(async () => {
  temp = fs.mkdtempSync(join(tmpdir(), 'durable-export-test-'));
  receiver = await new ScriptedReceiver().start();
  warnings = [];
  durables = [];
  envSet = {};
  jest.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
    if (options?.code === 'OTEL_GENAI_SPOOL') warnings.push(String(message));
  }) as typeof process.emitWarning);
});

afterEach(async () => {
  await Promise.all(durables.map((d) => d.shutdown()));
  jest.restoreAllMocks();
  for (const [key, value] of Object.entries(envSet)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await receiver.close();
  fs.rmSync(temp, { recursive: true, force: true });
});

/** A tracer provider with the spool's span processor, and an in-memory copy of what it ends. */
function tracing(durable: DurableModule.DurableExport, sampler?: Sampler, resource?: Resource) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler,
    resource,
    spanProcessors: [durable.spanProcessor as SpanProcessor, new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer('durable-export-test', '1.2.3'), memory, provider };
}

function logging(durable: DurableModule.DurableExport) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [durable.logRecordProcessor!, new SimpleLogRecordProcessor({ exporter: memory })] });
  return { logger: provider.getLogger('durable-export-test', '1.2.3'), memory, provider };
}

function endSpans(tracer: ReturnType<BasicTracerProvider['getTracer']>, names: string[]): void {
  for (const [i, name] of names.entries()) {
    tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', index: i } }, (span) => {
      span.setAttribute('gen_ai.request.model', `model-${i}`);
      span.end();
    });
  }
}

/** OTLP JSON AnyValue as a plain value. */
function anyValue(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  return v;
}
const attributes = (list: Array<{ key: string; value: Record<string, unknown> }> = []) => Object.fromEntries(list.map((a) => [a.key, anyValue(a.value)]));

function jsonSpans(body: Buffer): Array<{ name: string; attributes: Record<string, unknown> }> {
  const request = JSON.parse(body.toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes: [] }> }> }> };
  return request.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ name: s.name, attributes: attributes(s.attributes) }))));
}

/**
 * The span names in an OTLP protobuf ExportTraceServiceRequest, read off the wire format:
 * resource_spans = 1 > scope_spans = 2 > spans = 2 > name = 5. Concatenated requests read as one.
 */
function protobufSpanNames(body: Uint8Array): string[] {
  function* fields(buf: Uint8Array): Generator<[number, Uint8Array | undefined]> {
    let pos = 0;
    const varint = () => {
      let result = 0n;
      for (let shift = 0n; ; shift += 7n) {
        const byte = buf[pos++]!;
        result |= BigInt(byte & 0x7f) << shift;
        if (byte < 0x80) return result;
      }
    };
    while (pos < buf.length) {
      const key = Number(varint());
      const wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else if (wire === 2) {
        const len = Number(varint());
        yield [key >> 3, buf.subarray(pos, pos + len)];
        pos += len;
        continue;
      } else throw new Error(`wire type ${wire}`);
      yield [key >> 3, undefined];
    }
  }
  const children = (buf: Uint8Array, field: number) => [...fields(buf)].filter(([f, v]) => f === field && v).map(([, v]) => v!);
  return children(body, 1)
    .flatMap((rs) => children(rs, 2))
    .flatMap((ss) => children(ss, 2))
    .flatMap((span) => children(span, 5).map((name) => Buffer.from(name).toString('utf8')));
}

/** Batch files anywhere under `dir` (the instance directories and what they adopted). */
function batchFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(traces|logs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => (a.slice(a.lastIndexOf('/')) < b.slice(b.lastIndexOf('/')) ? -1 : 1));
}

/** stats() before anything happened. */
const NO_COUNTS = { ...newCounters(), pendingBatches: 0 };

describe('traces', () => {
  it('http/protobuf (the default): the receiver gets exactly the SDK serializer\'s bytes of the same spans', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false });
    const { tracer, memory } = tracing(durable);
    endSpans(tracer, ['chat gpt-4o', 'embeddings text-embedding-3-small', 'execute_tool get_weather']);

    // Spooled before it is sent: the batch is on disk once written.
    durable.writeNow();
    const [file] = batchFiles(durable.directory!);
    const expected = Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!);
    const spooled = decodeBatch(fs.readFileSync(file!));
    expect(spooled.ok && { header: spooled.header, same: Buffer.compare(spooled.payload, expected) }).toEqual({
      header: { signal: 'traces', encoding: 'protobuf', items: 3 },
      same: 0,
    });

    expect(await durable.flush()).toBe(true);
    expect(receiver.requests.map((r) => [r.url, r.headers['content-type']])).toEqual([['/v1/traces', 'application/x-protobuf']]);
    expect(Buffer.compare(receiver.requests[0]!.body, expected)).toBe(0);
    expect(protobufSpanNames(receiver.requests[0]!.body)).toEqual(['chat gpt-4o', 'embeddings text-embedding-3-small', 'execute_tool get_weather']);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 1, sentItems: 3 });
    expect(batchFiles(join(temp, 'spool'))).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('gzip and headers from OTEL_EXPORTER_OTLP_*: the same bytes, compressed, with the headers', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret-1' });
    const durable = createDurable({ logs: false, traces: { url: `${receiver.origin}/custom/traces` } });
    const { tracer, memory } = tracing(durable);
    endSpans(tracer, ['a', 'b']);
    expect(await durable.flush()).toBe(true);

    const [request] = receiver.requests;
    expect([request!.url, request!.headers['content-encoding'], request!.headers['x-api-key']]).toEqual(['/custom/traces', 'gzip', 'secret-1']);
    expect(Buffer.compare(gunzipSync(request!.body), Buffer.from(ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!))).toBe(0);
  });

  it('http/json: the JSON request holds the spans\' names and attributes', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false });
    const { tracer, memory } = tracing(durable);
    endSpans(tracer, ['chat gpt-4o', 'chat claude']);
    expect(await durable.flush()).toBe(true);

    expect(receiver.requests.map((r) => [r.url, r.headers['content-type']])).toEqual([['/v1/traces', 'application/json']]);
    const body = receiver.requests[0]!.body;
    expect(jsonSpans(body)).toEqual([
      { name: 'chat gpt-4o', attributes: { 'gen_ai.operation.name': 'chat', index: 0, 'gen_ai.request.model': 'model-0' } },
      { name: 'chat claude', attributes: { 'gen_ai.operation.name': 'chat', index: 1, 'gen_ai.request.model': 'model-1' } },
    ]);
    expect(body.toString('utf8')).toBe(Buffer.from(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!).toString('utf8'));
  });

  it('spans that are recorded but not sampled are not exported', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    // Records every span (so the processors see it end) but samples only some.
    const sampler: Sampler = {
      shouldSample: (_: Context, _traceId: string, name: string): SamplingResult => ({
        decision: name.startsWith('unsampled') ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED,
      }),
      toString: () => 'by-name',
    };
    const durable = createDurable({ logs: false });
    const { tracer } = tracing(durable, sampler);
    endSpans(tracer, ['sampled-1', 'unsampled-1', 'sampled-2', 'unsampled-2']);
    expect(await durable.flush()).toBe(true);

    expect(receiver.requests.flatMap((r) => jsonSpans(r.body).map((s) => s.name))).toEqual(['sampled-1', 'sampled-2']);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 1, sentItems: 2 });
  });

  it('without a flush, ended spans are written after writeDelayMillis, then sent', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false, writeDelayMillis: 200 });
    const { tracer } = tracing(durable);
    endSpans(tracer, ['x', 'y']);
    const ended = Date.now();
    expect(batchFiles(durable.directory!)).toEqual([]);
    await waitFor('the timed write to be sent', () => receiver.requests.length === 1);
    expect(receiver.requests[0]!.at - ended).toBeGreaterThanOrEqual(190);
    expect(jsonSpans(receiver.requests[0]!.body).map((x) => x.name)).toEqual(['x', 'y']);
  });

  it('a timed write waits for resource attributes that are still being detected', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    let detected!: (id: string) => void;
    const resource = resourceFromAttributes({ 'service.name': 'spool-test', 'host.id': new Promise<string>((resolve) => (detected = resolve)) });
    const durable = createDurable({ logs: false, writeDelayMillis: 50 });
    const { tracer } = tracing(durable, undefined, resource);
    endSpans(tracer, ['early']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toEqual([]);
    expect(batchFiles(durable.directory!)).toEqual([]);
    detected('host-1234');
    await waitFor('the write after detection', () => receiver.requests.length === 1);
    const request = JSON.parse(receiver.requests[0]!.body.toString()) as { resourceSpans: Array<{ resource: { attributes: [] } }> };
    expect(attributes(request.resourceSpans[0]!.resource.attributes)).toMatchObject({ 'service.name': 'spool-test', 'host.id': 'host-1234' });
  });

  it('flush() waits for resource attributes that are still being detected (within its timeout)', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    let detected!: (id: string) => void;
    const resource = resourceFromAttributes({ 'service.name': 'spool-test', 'host.id': new Promise<string>((resolve) => (detected = resolve)) });
    const durable = createDurable({ logs: false });
    const { tracer } = tracing(durable, undefined, resource);
    endSpans(tracer, ['flushed']);
    const flushed = durable.flush(5_000);
    setTimeout(() => detected('host-5678'), 100);
    expect(await flushed).toBe(true);
    const request = JSON.parse(receiver.requests[0]!.body.toString()) as { resourceSpans: Array<{ resource: { attributes: [] } }> };
    expect(attributes(request.resourceSpans[0]!.resource.attributes)).toMatchObject({ 'host.id': 'host-5678' });
  });

  it('many durable exports of one copy of the package add one exit listener between them', async () => {
    let create!: typeof DurableModule.createDurableExport;
    jest.isolateModules(() => {
      create = (require('../../src/spool/durable-export') as typeof DurableModule).createDurableExport;
    });
    const before = process.listenerCount('exit');
    const many = Array.from({ length: 12 }, (_, i) => create({ directory: join(temp, `spool-${i}`), logs: false, traces: { ...AGENT } }));
    expect(process.listenerCount('exit') - before).toBe(1);
    await Promise.all(many.map((d) => d.shutdown()));
  });

  it('stats() while the receiver refuses for now, and after it accepts', async () => {
    receiver.reply({ status: 503 });
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false });
    const { tracer } = tracing(durable);
    endSpans(tracer, ['one', 'two', 'three', 'four']);
    expect(await durable.flush(300)).toBe(false);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, pendingBatches: 1 });
    expect(batchFiles(durable.directory!)).toHaveLength(1);

    expect(await durable.flush()).toBe(true);
    expect(receiver.requests).toHaveLength(2);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 1, sentItems: 4 });
  });

  it('ends after shutdown() are ignored', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false });
    const { tracer } = tracing(durable);
    endSpans(tracer, ['before']);
    await durable.shutdown();
    endSpans(tracer, ['after']);
    await durable.flush();
    expect(receiver.requests.flatMap((r) => jsonSpans(r.body).map((s) => s.name))).toEqual(['before']);
  });
});

describe('logs', () => {
  function emitRecords(logger: ReturnType<LoggerProvider['getLogger']>): void {
    logger.emit({ severityNumber: SeverityNumber.INFO, body: 'first', attributes: { 'gen_ai.operation.name': 'chat', n: 1 }, eventName: 'gen_ai.client.inference.operation.details' });
    logger.emit({ severityNumber: SeverityNumber.WARN, body: 'second', attributes: { n: 2 } });
  }

  it('http/protobuf: POST /v1/logs with exactly the SDK serializer\'s bytes of the same records', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ traces: false });
    expect(durable.spanProcessor).toBeUndefined();
    const { logger, memory } = logging(durable);
    emitRecords(logger);
    expect(await durable.flush()).toBe(true);

    expect(receiver.requests.map((r) => [r.url, r.headers['content-type']])).toEqual([['/v1/logs', 'application/x-protobuf']]);
    expect(Buffer.compare(receiver.requests[0]!.body, Buffer.from(ProtobufLogsSerializer.serializeRequest(memory.getFinishedLogRecords())!))).toBe(0);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 1, sentItems: 2 });
  });

  it('http/json: the JSON request holds the records\' bodies and attributes', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.origin}/v1/logs` });
    const durable = createDurable({ traces: false });
    const { logger, memory } = logging(durable);
    emitRecords(logger);
    expect(await durable.flush()).toBe(true);

    expect(receiver.requests.map((r) => [r.url, r.headers['content-type']])).toEqual([['/v1/logs', 'application/json']]);
    const body = receiver.requests[0]!.body;
    type Records = { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body: Record<string, unknown>; attributes: []; eventName?: string }> }> }> };
    const records = (JSON.parse(body.toString('utf8')) as Records).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
    expect(records.map((r) => ({ body: anyValue(r.body), attributes: attributes(r.attributes), eventName: r.eventName }))).toEqual([
      { body: 'first', attributes: { 'gen_ai.operation.name': 'chat', n: 1 }, eventName: 'gen_ai.client.inference.operation.details' },
      { body: 'second', attributes: { n: 2 }, eventName: undefined },
    ]);
    expect(body.toString('utf8')).toBe(Buffer.from(JsonLogsSerializer.serializeRequest(memory.getFinishedLogRecords())!).toString('utf8'));
  });

  it('traces and logs together go to their own endpoints', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable();
    const { tracer } = tracing(durable);
    const { logger } = logging(durable);
    endSpans(tracer, ['span']);
    emitRecords(logger);
    expect(await durable.flush()).toBe(true);
    expect(receiver.requests.map((r) => r.url).sort()).toEqual(['/v1/logs', '/v1/traces']);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 2, sentItems: 3 });
  });
});

describe('two durable exports in one process, on one spool directory', () => {
  // An app may build one per signal. Each sends its own batches: neither takes over the other's
  // directory as if it were left by a previous process (they share the pid).
  it('traces through one and logs through the other: everything arrives once, nothing is left', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const forTraces = createDurable({ logs: false });
    const forLogs = createDurable({ traces: false });
    const { tracer } = tracing(forTraces);
    const { logger } = logging(forLogs);
    for (let round = 0; round < 3; round++) {
      endSpans(tracer, [`span-${round}`]);
      logger.emit({ body: `record-${round}` });
      forTraces.writeNow();
      forLogs.writeNow();
      // A later export's start or heartbeat adopts what looks orphaned; make one happen between writes.
      createDurable({ traces: false, logs: false });
    }
    expect(await forTraces.flush()).toBe(true);
    expect(await forLogs.flush()).toBe(true);

    const spans = receiver.requests.filter((r) => r.url === '/v1/traces').flatMap((r) => jsonSpans(r.body).map((x) => x.name));
    const records = receiver.requests
      .filter((r) => r.url === '/v1/logs')
      .flatMap((r) => (JSON.parse(r.body.toString()) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ body: { stringValue: string } }> }> }> }).resourceLogs)
      .flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((lr) => lr.body.stringValue)));
    expect(spans.sort()).toEqual(['span-0', 'span-1', 'span-2']);
    expect(records.sort()).toEqual(['record-0', 'record-1', 'record-2']);
    expect(batchFiles(join(temp, 'spool'))).toEqual([]);
  });
});

describe('what the spool cannot do', () => {
  it('OTEL_EXPORTER_OTLP_PROTOCOL=grpc: no span processor, and one warning', () => {
    setEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    const durable = createDurable({ logs: false });
    expect(durable.spanProcessor).toBeUndefined();
    expect(durable.logRecordProcessor).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('traces are not spooled with OTLP protocol "grpc"');
  });

  it('grpc for traces only: logs are still spooled', async () => {
    setEnv({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable();
    expect(durable.spanProcessor).toBeUndefined();
    expect(durable.logRecordProcessor).toBeDefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('traces are not spooled');
  });

  it('a spool directory that cannot be used (a regular file): in memory, one warning, and the data is still sent', async () => {
    const path = join(temp, 'a-file');
    fs.writeFileSync(path, 'not a directory');
    setEnv({ OTEL_INSTRUMENTATION_GENAI_SPOOL_DIR: path, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin });
    const durable = createDurable({ logs: false });
    expect(durable.directory).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cannot use ${path} (${path} is not a directory)`);

    const { tracer } = tracing(durable);
    endSpans(tracer, ['kept in memory']);
    expect(await durable.flush()).toBe(true);
    expect(receiver.requests.flatMap((r) => jsonSpans(r.body).map((s) => s.name))).toEqual(['kept in memory']);
    expect(durable.stats()).toEqual({ ...NO_COUNTS, sentBatches: 1, sentItems: 1 });
    expect(fs.readFileSync(path, 'utf8')).toBe('not a directory');
    expect(warnings).toHaveLength(1);
  });
});

describe('the programmatic path in an app that ends abruptly', () => {
  useBuiltPackage();
  const APP = join(ROOT, 'test', 'apps', 'durable-export-app.cjs');

  function runApp(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const key of Object.keys(childEnv)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete childEnv[key];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [APP], { cwd: ROOT, env: childEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it.each([
    ['process.exit(0) right after the last span', 'exit', 7, 0],
    ['an uncaught exception (one full batch of 512 written before, the rest at exit)', 'throw', 700, 1],
  ])('%s: the spool holds exactly the spans, and the next process sends them', async (_, mode, spans, exitCode) => {
    const spool = join(temp, 'app-spool');
    const env = { SPOOL_DIR: spool, TRACES_URL: `${receiver.origin}/v1/traces` };
    const names = Array.from({ length: spans }, (_, i) => `span-${i}`);

    const ended = await runApp({ ...env, APP_MODE: mode, APP_SPANS: String(spans) });
    if (mode === 'throw') expect(ended.stderr).toContain('Error: the app crashed');
    else expect({ code: ended.code, stderr: ended.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ended.code).toBe(exitCode);
    // Nothing had time to be sent: it is all in the spool.
    expect(receiver.requests).toEqual([]);
    const batches = batchFiles(spool).map((f) => decodeBatch(fs.readFileSync(f)));
    expect(batches.map((b) => b.ok && b.header.signal)).toEqual(batches.map(() => 'traces'));
    expect(batches.reduce((n, b) => n + (b.ok ? b.header.items : 0), 0)).toBe(spans);
    expect(batches.flatMap((b) => (b.ok ? protobufSpanNames(b.payload) : []))).toEqual(names);

    const sender = await runApp({ ...env, APP_MODE: 'send' });
    expect({ code: sender.code, stderr: sender.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(sender.stdout)).toEqual({ sent: true, stats: { ...NO_COUNTS, sentBatches: batches.length, sentItems: spans } });
    expect(receiver.requests.flatMap((r) => protobufSpanNames(r.body))).toEqual(names);
    expect(batchFiles(spool)).toEqual([]);
  });
});
