// A local OTLP/HTTP receiver for `npm run demo`: the app under the register hook exports to it as it
// would to a collector, so the demo needs no collector. Takes http/json and http/protobuf (the default
// protocol; read by otlp-protobuf.mjs into the same JSON form), gzip or not, and keeps what it receives in
// memory as OTLP JSON.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { otlpProtobufToJson } from './otlp-protobuf.mjs';

export async function startOtlpReceiver() {
  const received = { resourceSpans: [], resourceMetrics: [], resourceLogs: [], requests: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.requests.push({ url: req.url, headers: req.headers });
      try {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const protobuf = String(req.headers['content-type']).startsWith('application/x-protobuf');
        const body = protobuf
          ? otlpProtobufToJson(req.url, raw)
          : JSON.parse(raw.toString('utf8') || '{}');
        if (req.url === '/v1/traces') received.resourceSpans.push(...(body.resourceSpans ?? []));
        else if (req.url === '/v1/metrics') received.resourceMetrics.push(...(body.resourceMetrics ?? []));
        else if (req.url === '/v1/logs') received.resourceLogs.push(...(body.resourceLogs ?? []));
        else return void res.writeHead(404).end();
        // An empty export response: full success (an empty protobuf message is zero bytes).
        if (protobuf) res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"expected OTLP JSON or protobuf"}');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** An OTLP JSON AnyValue as a plain JS value. */
export function anyValue(v) {
  if (v == null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in v) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
  return undefined;
}

/** The received spans as `{ name, startMs, durationMs, attributes }`. */
export function spansFromOtlp(resourceSpans) {
  return resourceSpans.flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        name: span.name,
        startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
        durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
        attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, anyValue(a.value)])),
      })),
    ),
  );
}

/** How many metric data points and log records arrived. */
export function countOtherSignals(received) {
  const points = received.resourceMetrics
    .flatMap((rm) => rm.scopeMetrics ?? [])
    .flatMap((sm) => sm.metrics ?? [])
    .reduce((n, m) => n + (m.histogram ?? m.sum ?? m.gauge ?? { dataPoints: [] }).dataPoints.length, 0);
  const logs = received.resourceLogs.flatMap((rl) => rl.scopeLogs ?? []).flatMap((sl) => sl.logRecords ?? []);
  return { metricPoints: points, events: logs.length };
}
