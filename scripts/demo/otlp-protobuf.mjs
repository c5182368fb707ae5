// OTLP/HTTP protobuf export requests as the objects their OTLP JSON form parses to, so that the local
// receiver (otlp-receiver.mjs) takes the default protocol (http/protobuf) as well as http/json.
// Just enough of the protobuf wire format, and of the OTLP messages: resources, scopes, spans (ids, name,
// kind, times, attributes, status), log records (times, severity, body, attributes, ids, event name) and
// metrics (name, unit, data points with attributes). Field numbers are those of opentelemetry/proto
// (collector/*/v1, trace/v1, logs/v1, metrics/v1, common/v1, resource/v1).

/** The fields of one message as `{ no, wire, value }` (value: a BigInt for varints, else a Buffer). */
function fields(buf) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('protobuf: truncated varint');
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1 || wire === 5 || wire === 2) {
      const size = wire === 1 ? 8 : wire === 5 ? 4 : Number(varint());
      if (pos + size > buf.length) throw new Error(`protobuf: truncated field ${no}`);
      out.push({ no, wire, value: buf.subarray(pos, pos + size) });
      pos += size;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wire} (field ${no})`);
    }
  }
  return out;
}

const all = (fs, no) => fs.filter((f) => f.no === no).map((f) => f.value);
const one = (fs, no) => all(fs, no).at(-1);
const str = (fs, no) => one(fs, no)?.toString('utf8');
const hex = (fs, no) => one(fs, no)?.toString('hex') ?? '';
const fixed64 = (fs, no) => one(fs, no)?.readBigUInt64LE(0).toString() ?? '0';
const num = (fs, no) => Number(one(fs, no) ?? 0n);

function anyValue(buf) {
  const f = fields(buf)[0];
  if (!f) return {};
  switch (f.no) {
    case 1: return { stringValue: f.value.toString('utf8') };
    case 2: return { boolValue: f.value !== 0n };
    case 3: return { intValue: BigInt.asIntN(64, f.value).toString() };
    case 4: return { doubleValue: f.value.readDoubleLE(0) };
    case 5: return { arrayValue: { values: all(fields(f.value), 1).map(anyValue) } };
    case 6: return { kvlistValue: { values: attributes(fields(f.value), 1) } };
    case 7: return { bytesValue: f.value.toString('base64') };
    default: return {};
  }
}

function attributes(fs, no) {
  return all(fs, no).map((kv) => {
    const k = fields(kv);
    const value = one(k, 2);
    return { key: str(k, 1), value: value ? anyValue(value) : {} };
  });
}

const resource = (buf) => ({ attributes: buf ? attributes(fields(buf), 1) : [] });
const scope = (buf) => {
  const s = buf ? fields(buf) : [];
  return { name: str(s, 1) ?? '', version: str(s, 2) ?? '' };
};

/** resource_<x> (1) > resource (1), scope_<x> (2) > scope (1), items (2), named as in OTLP JSON. */
function nested(body, [outer, inner, items], item) {
  return all(fields(body), 1).map((r) => {
    const rf = fields(r);
    return {
      resource: resource(one(rf, 1)),
      [inner]: all(rf, 2).map((s) => {
        const sf = fields(s);
        return { scope: scope(one(sf, 1)), [items]: all(sf, 2).map((x) => item(fields(x))) };
      }),
    };
  });
}

const span = (f) => {
  const status = one(f, 15) ? fields(one(f, 15)) : [];
  return {
    traceId: hex(f, 1),
    spanId: hex(f, 2),
    parentSpanId: hex(f, 4),
    name: str(f, 5) ?? '',
    kind: num(f, 6),
    startTimeUnixNano: fixed64(f, 7),
    endTimeUnixNano: fixed64(f, 8),
    attributes: attributes(f, 9),
    status: { code: num(status, 3), message: str(status, 2) ?? '' },
  };
};

const logRecord = (f) => ({
  timeUnixNano: fixed64(f, 1),
  observedTimeUnixNano: fixed64(f, 11),
  severityNumber: num(f, 2),
  severityText: str(f, 3) ?? '',
  body: one(f, 5) ? anyValue(one(f, 5)) : undefined,
  attributes: attributes(f, 6),
  traceId: hex(f, 9),
  spanId: hex(f, 10),
  eventName: str(f, 12) ?? '',
});

// Metric data: gauge 5, sum 7, histogram 9, exponential histogram 10, summary 11; each has data_points 1,
// whose attributes are field 7 (number and summary points), 9 (histogram) or 1 (exponential histogram).
const METRIC_DATA = { 5: ['gauge', 7], 7: ['sum', 7], 9: ['histogram', 9], 10: ['exponentialHistogram', 1], 11: ['summary', 7] };
const metric = (f) => {
  const out = { name: str(f, 1) ?? '', unit: str(f, 3) ?? '' };
  for (const [no, [key, attrNo]] of Object.entries(METRIC_DATA)) {
    const data = one(f, Number(no));
    if (data) out[key] = { dataPoints: all(fields(data), 1).map((p) => ({ attributes: attributes(fields(p), attrNo) })) };
  }
  return out;
};

/** The OTLP JSON form of an OTLP/HTTP protobuf request body sent to `path` (/v1/traces, /v1/metrics, /v1/logs). */
export function otlpProtobufToJson(path, body) {
  if (path === '/v1/traces') return { resourceSpans: nested(body, ['resourceSpans', 'scopeSpans', 'spans'], span) };
  if (path === '/v1/logs') return { resourceLogs: nested(body, ['resourceLogs', 'scopeLogs', 'logRecords'], logRecord) };
  if (path === '/v1/metrics') return { resourceMetrics: nested(body, ['resourceMetrics', 'scopeMetrics', 'metrics'], metric) };
  return {};
}
