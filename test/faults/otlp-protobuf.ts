/*
 * Just enough of the protobuf wire format to read spans out of an OTLP/HTTP protobuf trace export
 * (ExportTraceServiceRequest): each span's span_id, name, end time and its attributes (string, bool,
 * int and double values; arrays and maps are skipped). Field numbers are those of
 * opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
 */

export interface DecodedSpan {
  spanId: string;
  name: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
}

type Field = { no: number; wire: 0; value: bigint } | { no: number; wire: 1 | 5; value: Buffer } | { no: number; wire: 2; value: Buffer };

function readVarint(buf: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buf.length) throw new Error('protobuf: truncated varint');
    const byte = buf[at.pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf: varint too long');
  }
}

/** The fields of one message, in wire order (a repeated field appears once per element). */
export function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(readVarint(buf, at));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, at) });
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (at.pos + size > buf.length) throw new Error('protobuf: truncated fixed field');
      out.push({ no, wire, value: buf.subarray(at.pos, at.pos + size) });
      at.pos += size;
    } else if (wire === 2) {
      const len = Number(readVarint(buf, at));
      if (at.pos + len > buf.length) throw new Error('protobuf: truncated length-delimited field');
      out.push({ no, wire, value: buf.subarray(at.pos, at.pos + len) });
      at.pos += len;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wire} (field ${no})`);
    }
  }
  return out;
}

function bytesOf(list: Field[], no: number): Buffer[] {
  return list.filter((f) => f.no === no && f.wire === 2).map((f) => f.value as Buffer);
}

/** An AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4 (others: undefined). */
function anyValue(buf: Buffer): unknown {
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wire === 2) return f.value.toString('utf8');
    if (f.no === 2 && f.wire === 0) return f.value !== 0n;
    if (f.no === 3 && f.wire === 0) return Number(BigInt.asIntN(64, f.value));
    if (f.no === 4 && f.wire === 1) return f.value.readDoubleLE(0);
  }
  return undefined;
}

/** The spans of an ExportTraceServiceRequest (resource_spans 1 > scope_spans 2 > spans 2). */
export function decodeTraceRequest(body: Buffer): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  for (const resourceSpans of bytesOf(fields(body), 1)) {
    for (const scopeSpans of bytesOf(fields(resourceSpans), 2)) {
      for (const span of bytesOf(fields(scopeSpans), 2)) {
        const f = fields(span);
        const attributes: Record<string, unknown> = {};
        for (const kv of bytesOf(f, 9)) {
          const kvFields = fields(kv);
          const key = bytesOf(kvFields, 1)[0]?.toString('utf8');
          const value = bytesOf(kvFields, 2)[0];
          if (key !== undefined) attributes[key] = value === undefined ? undefined : anyValue(value);
        }
        const end = f.find((x) => x.no === 8 && x.wire === 1);
        spans.push({
          spanId: (bytesOf(f, 2)[0] ?? Buffer.alloc(0)).toString('hex'),
          name: (bytesOf(f, 5)[0] ?? Buffer.alloc(0)).toString('utf8'),
          endTimeUnixNano: end ? (end.value as Buffer).readBigUInt64LE(0).toString() : '0',
          attributes,
        });
      }
    }
  }
  return spans;
}
