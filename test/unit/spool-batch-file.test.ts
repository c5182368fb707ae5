/*
 * The spool's batch file format (src/spool/batch-file.ts): what is written is read back exactly, and a
 * file cut short by a crash, a file with a damaged payload, or a file that is not a batch at all is
 * refused with the reason that says which. Payloads are generated at the sizes that break framing code:
 * empty, one byte, and more than 64 KiB (past any 16-bit length).
 */
import { trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { type Encoding, HEADER_BYTES, type Signal, decodeBatch, decodeHeader, encodeBatch } from '../../src/spool/batch-file';

const SIGNALS: Signal[] = ['traces', 'logs'];
const ENCODINGS: Encoding[] = ['protobuf', 'json'];
const BAD_HEADER = 'not a spool batch (bad header)';
const CORRUPTED = 'corrupted (checksum mismatch)';

/** Bytes of a given length that are not all alike (a pattern from a seed), cheaper than fc.uint8Array for 100 KiB. */
function patterned(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Payloads of the sizes that matter: 0, 1, small, and past 64 KiB. */
const payload = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ minLength: 1, maxLength: 1 }),
  fc.uint8Array({ minLength: 2, maxLength: 300 }),
  fc.tuple(fc.integer({ min: 64 * 1024 + 1, max: 200_000 }), fc.integer()).map(([n, seed]) => patterned(n, seed)),
);
const header = fc.record({
  signal: fc.constantFrom(...SIGNALS),
  encoding: fc.constantFrom(...ENCODINGS),
  items: fc.integer({ min: 0, max: 0xffff_ffff }),
});

/** A real OTLP trace export request, as the SDK's serializer makes it. */
function realTracePayload(): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('spool-batch-file-test');
  for (let i = 0; i < 5; i++) {
    tracer.startActiveSpan(`chat gpt-4o-${i}`, (span) => {
      span.setAttribute('gen_ai.operation.name', 'chat');
      span.setAttribute('gen_ai.usage.input_tokens', 10 + i);
      span.end();
    });
  }
  const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  void provider.shutdown();
  trace.disable();
  return bytes!;
}

describe('batch file round trip', () => {
  it.each(SIGNALS.flatMap((signal) => ENCODINGS.map((encoding) => [signal, encoding] as const)))('%s / %s', (signal, encoding) => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 0xffff_ffff }), (bytes, items) => {
        const file = encodeBatch({ signal, encoding, items }, bytes);
        expect(file.byteLength).toBe(HEADER_BYTES + bytes.byteLength);
        const decoded = decodeBatch(file);
        if (!decoded.ok) throw new Error(`refused: ${decoded.reason}`);
        expect(decoded.header).toEqual({ signal, encoding, items });
        // Buffer.compare: toEqual walks 100 KiB payloads element by element.
        expect(Buffer.compare(decoded.payload, bytes)).toBe(0);
        expect(decodeHeader(file)).toEqual({ signal, encoding, items, payloadBytes: bytes.byteLength });
      }),
      // The sizes that must always be tried, besides the generated ones.
      { numRuns: 40, examples: [[new Uint8Array(0), 0], [Uint8Array.of(7), 1], [patterned(64 * 1024 + 1, 3), 0xffff_ffff]] },
    );
  });

  it('a real OTLP request comes back byte for byte', () => {
    const bytes = realTracePayload();
    const decoded = decodeBatch(encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 5 }, bytes));
    expect(decoded.ok && Buffer.compare(decoded.payload, Buffer.from(bytes))).toBe(0);
  });
});

describe('a torn batch file (cut short by a crash) is refused', () => {
  it('at every length of a real batch: inside the header as not a batch, after it as torn', () => {
    const file = encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 5 }, realTracePayload());
    for (let length = 0; length < file.byteLength; length++) {
      const expected = length < HEADER_BYTES ? BAD_HEADER : `torn (${length} of ${file.byteLength} bytes)`;
      expect({ length, decoded: decodeBatch(file.subarray(0, length)) }).toEqual({ length, decoded: { ok: false, reason: expected } });
    }
  });

  it('at any length of any payload', () => {
    fc.assert(
      fc.property(header, payload, fc.double({ min: 0, max: 1, noNaN: true }), (h, bytes, at) => {
        const file = encodeBatch(h, bytes);
        const length = Math.min(file.byteLength - 1, Math.floor(at * file.byteLength));
        const decoded = decodeBatch(file.subarray(0, length));
        expect(decoded).toEqual({ ok: false, reason: length < HEADER_BYTES ? BAD_HEADER : `torn (${length} of ${file.byteLength} bytes)` });
      }),
      { numRuns: 200 },
    );
  });
});

describe('a corrupted batch file is refused', () => {
  /** Every payload position of a small payload; for a big one, the ends and a sample in between. */
  function positions(length: number, sample: number[]): number[] {
    if (length <= 4096) return Array.from({ length }, (_, i) => i);
    return [...new Set([0, 1, length - 2, length - 1, ...sample.map((s) => s % length)])];
  }

  it('any payload byte changed (every byte of a real batch)', () => {
    const bytes = realTracePayload();
    const file = encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 5 }, bytes);
    for (let i = 0; i < bytes.byteLength; i++) {
      const damaged = Buffer.from(file);
      damaged[HEADER_BYTES + i]! ^= 0xff;
      expect({ i, decoded: decodeBatch(damaged) }).toEqual({ i, decoded: { ok: false, reason: CORRUPTED } });
    }
  });

  it('one flipped bit anywhere in any payload', () => {
    fc.assert(
      fc.property(
        header,
        payload.filter((p) => p.byteLength > 0),
        fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
        fc.integer({ min: 0, max: 7 }),
        (h, bytes, sample, bit) => {
          const file = encodeBatch(h, bytes);
          for (const i of positions(bytes.byteLength, sample)) {
            const damaged = Buffer.from(file);
            damaged[HEADER_BYTES + i]! ^= 1 << bit;
            expect({ i, decoded: decodeBatch(damaged) }).toEqual({ i, decoded: { ok: false, reason: CORRUPTED } });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a damaged checksum field', () => {
    const file = encodeBatch({ signal: 'logs', encoding: 'json', items: 2 }, Buffer.from('{"resourceLogs":[]}'));
    for (let i = 16; i < 20; i++) {
      const damaged = Buffer.from(file);
      damaged[i]! ^= 0x01;
      expect(decodeBatch(damaged)).toEqual({ ok: false, reason: CORRUPTED });
    }
  });

  it('a damaged item count, payload length or reserved byte: the checksum covers the header too', () => {
    const file = encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 3 }, Buffer.from([1, 2, 3, 4, 5]));
    for (const i of [7, 8, 9, 10, 11]) {
      const damaged = Buffer.from(file);
      damaged[i]! ^= 0x01;
      expect({ i, decoded: decodeBatch(damaged) }).toEqual({ i, decoded: { ok: false, reason: CORRUPTED } });
    }
    const zeroed = Buffer.from(file);
    zeroed.writeUInt32LE(0, 16); // no "unchecked" value: a zeroed checksum is a wrong one
    expect(decodeBatch(zeroed)).toEqual({ ok: false, reason: CORRUPTED });
  });

  it('a damaged magic, format version, signal or encoding byte: not a batch', () => {
    const file = encodeBatch({ signal: 'logs', encoding: 'json', items: 2 }, Buffer.from('{"resourceLogs":[]}'));
    for (let i = 0; i < 7; i++) {
      const damaged = Buffer.from(file);
      damaged[i] = 0xee;
      expect({ i, decoded: decodeBatch(damaged) }).toEqual({ i, decoded: { ok: false, reason: BAD_HEADER } });
      expect(decodeHeader(damaged)).toBeUndefined();
    }
  });

  it('a payload length that claims more than the file holds: torn', () => {
    const file = encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 1 }, Buffer.from([1, 2, 3]));
    file.writeUInt32LE(0xffff_ffff, 12);
    expect(decodeBatch(file)).toEqual({ ok: false, reason: `torn (${file.byteLength} of ${HEADER_BYTES + 0xffff_ffff} bytes)` });
  });
});

describe('bytes that are not a batch', () => {
  it('random bytes of any length', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), payload), (bytes) => {
        // A random start that is the magic and a valid version, signal and encoding has odds of 2^-38.
        fc.pre(!(bytes.byteLength >= 4 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'OTGS'));
        expect(decodeBatch(Buffer.from(bytes))).toEqual({ ok: false, reason: BAD_HEADER });
        expect(decodeHeader(Buffer.from(bytes))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('an OTLP request without the header', () => {
    expect(decodeBatch(Buffer.from(realTracePayload()))).toEqual({ ok: false, reason: BAD_HEADER });
  });
});
