/*
 * One spooled batch on disk: a fixed header, then the OTLP export request exactly as it will be sent
 * (the bytes the OpenTelemetry SDK's own serializer made). The header lets a reader tell a complete file
 * from a torn or corrupted one (length, and a CRC-32 over the header fields and the payload) and route it
 * (signal, encoding) without parsing the payload.
 *
 *   0  magic "OTGS"          8  item count (u32 LE)      16  CRC-32 of bytes 4-15 and the payload (u32 LE)
 *   4  format version (1)   12  payload length (u32 LE)  20  payload
 *   5  signal  6  encoding  7  reserved (0)
 */
import * as zlib from 'node:zlib';

export type Signal = 'traces' | 'logs';
export type Encoding = 'protobuf' | 'json';

export interface BatchHeader {
  signal: Signal;
  encoding: Encoding;
  /** Spans or log records in the batch. */
  items: number;
}

export const HEADER_BYTES = 20;
const MAGIC = 0x5347544f; // "OTGS" read as u32 LE
const FORMAT_VERSION = 1;
const SIGNALS: readonly Signal[] = ['traces', 'logs'];
const ENCODINGS: readonly Encoding[] = ['protobuf', 'json'];

/** zlib.crc32 exists from Node 20.15 / 22.2 (see checksumAvailable). */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Whether this Node.js can checksum batches; the spool needs it (Node >= 20.15 or >= 22.2). */
export function checksumAvailable(): boolean {
  return typeof crc32 === 'function';
}

function checksum(head: Buffer, payload: Uint8Array): number {
  return crc32!(payload, crc32!(head.subarray(4, 16)));
}

/** The 20-byte header of a batch whose request is `payload` (written in front of it, see the file header). */
export function encodeHeader(header: BatchHeader, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt8(FORMAT_VERSION, 4);
  out.writeUInt8(SIGNALS.indexOf(header.signal), 5);
  out.writeUInt8(ENCODINGS.indexOf(header.encoding), 6);
  out.writeUInt8(0, 7);
  out.writeUInt32LE(header.items >>> 0, 8);
  out.writeUInt32LE(payload.byteLength, 12);
  out.writeUInt32LE(checksum(out, payload), 16);
  return out;
}

/** A whole batch file in one buffer (header and payload). */
export function encodeBatch(header: BatchHeader, payload: Uint8Array): Buffer {
  return Buffer.concat([encodeHeader(header, payload), payload]);
}

export type DecodedBatch = { ok: true; header: BatchHeader; payload: Buffer } | { ok: false; reason: string };

/** The header alone (for a file whose payload is not needed yet); undefined when it is not a batch header. */
export function decodeHeader(head: Buffer): (BatchHeader & { payloadBytes: number }) | undefined {
  if (head.byteLength < HEADER_BYTES || head.readUInt32LE(0) !== MAGIC || head.readUInt8(4) !== FORMAT_VERSION) return undefined;
  const signal = SIGNALS[head.readUInt8(5)];
  const encoding = ENCODINGS[head.readUInt8(6)];
  if (!signal || !encoding) return undefined;
  return { signal, encoding, items: head.readUInt32LE(8), payloadBytes: head.readUInt32LE(12) };
}

export function decodeBatch(file: Buffer): DecodedBatch {
  const header = decodeHeader(file);
  if (!header) return { ok: false, reason: 'not a spool batch (bad header)' };
  const end = HEADER_BYTES + header.payloadBytes;
  if (file.byteLength < end) return { ok: false, reason: `torn (${file.byteLength} of ${end} bytes)` };
  const payload = file.subarray(HEADER_BYTES, end);
  if (file.readUInt8(7) !== 0 || checksum(file, payload) !== file.readUInt32LE(16)) return { ok: false, reason: 'corrupted (checksum mismatch)' };
  return { ok: true, header: { signal: header.signal, encoding: header.encoding, items: header.items }, payload };
}
