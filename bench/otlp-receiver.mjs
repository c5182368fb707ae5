/*
 * The loopback OTLP/HTTP receiver of bench/spool.mjs, run as a child process so that its CPU is not in the
 * benchmark process's process.cpuUsage(). Accepts POST /<arm>/v1/traces and /<arm>/v1/logs (protobuf,
 * gzip or not), answers 200 with an empty export response, and counts per arm and signal: requests,
 * body bytes, items (spans or log records), items carrying the content marker, and items whose span id
 * was already seen (a batch sent twice). It walks the protobuf wire format itself: counting needs only
 * the field numbers, and the receiver's CPU is free anyway.
 *
 * Started with an IPC channel: the message 'stats' is answered with the counters; prints
 * `listening <port>` on stdout; exits when the parent disconnects.
 */
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const MARKER = Buffer.from(process.argv[2] ?? 'capital of France');

/** Counters per `<arm>:<signal>`, and the span ids seen there. */
const stats = {};
const seen = new Map();

function readVarint(buf, pos) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    if (pos >= buf.length) throw new Error('truncated varint');
    byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

/** Calls `onField(field, start, end)` for each length-delimited field of the message in buf[start, end). */
function eachBytesField(buf, start, end, onField) {
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      if (pos + len > end) throw new Error('field past the end of its message');
      onField(field, pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  if (pos !== end) throw new Error('message overruns its length');
}

/**
 * ExportTraceServiceRequest and ExportLogsServiceRequest have the same shape: resource_* = 1 (repeated),
 * in it scope_* = 2 (repeated), in it spans / log_records = 2 (repeated). A span's id is its field 2, a
 * log record's span id its field 10. Concatenated requests (the spool merges batches) are their merge.
 */
function countItems(body, signal, onItem) {
  const idField = signal === 'traces' ? 2 : 10;
  eachBytesField(body, 0, body.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachBytesField(body, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachBytesField(body, s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return;
        let id = '';
        eachBytesField(body, s3, e3, (f4, s4, e4) => {
          if (f4 === idField) id = body.toString('hex', s4, e4);
        });
        onItem(id, body.subarray(s3, e3));
      });
    });
  });
}

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const m = /^\/(\w+)\/v1\/(traces|logs)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    const key = `${m[1]}:${m[2]}`;
    const s = (stats[key] ??= { requests: 0, bytes: 0, items: 0, withContent: 0, duplicates: 0, badBodies: 0 });
    const ids = seen.get(key) ?? seen.set(key, new Set()).get(key);
    let body = Buffer.concat(parts);
    s.requests++;
    s.bytes += body.length; // on the wire
    try {
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      countItems(body, m[2], (id, item) => {
        s.items++;
        if (item.includes(MARKER)) s.withContent++;
        if (id && ids.has(id)) s.duplicates++;
        ids.add(id);
      });
    } catch {
      s.badBodies++;
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('message', (msg) => {
  if (msg === 'stats') process.send(stats);
});
process.on('disconnect', () => process.exit(0));
