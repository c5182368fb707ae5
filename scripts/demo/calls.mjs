// `npm run calls`: prints the LLM calls of recorded telemetry as the demo's table, or one call in full.
//
//   npm run calls                                  the last `npm run demo` run (its saved OTLP JSON)
//   npm run calls -- --file <path>                 an OTLP JSON file: one export request, or JSON lines of them
//                                                  (the collector's file exporter writes those)
//   npm run calls -- --jaeger <url> --service <name> [--tag key=value]... [--lookback 2h] [--limit 1000]
//                                                  any Jaeger's query API (http://host:16686)
//   ... --show <row or response id>                one call in full instead of the table
//   ... --tag key=value                            only calls whose span has the attribute (any source)
//
// Errors: one line on stderr (a usage error adds the usage), exit code 1.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../backends/paths.mjs';
import { findCall, formatCallRecord, formatCallsTable, modelCallSpans, spansFromJaeger, spansFromOtlpData } from './calls-table.mjs';

/** Where `npm run demo` keeps what its receiver got (and where `npm run calls` looks by default). */
export const DEMO_TELEMETRY_FILE = join(ROOT, '.cache/demo/telemetry.json');

// `npm run` starts scripts in the package root; paths the user typed are relative to where they typed them.
export const USER_CWD = process.env.INIT_CWD || process.cwd();

/** A path as the user would type it: relative to their directory when it is inside it. */
export function shownPath(path) {
  const rel = relative(USER_CWD, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const USAGE = `usage: npm run calls -- [--file <otlp.json> | --jaeger <url> --service <name>] [--tag key=value]... [--show <row or response id>]
  (no source: the last \`npm run demo\` run, ${shownPath(DEMO_TELEMETRY_FILE)})
  --jaeger options: --lookback <n>m|h|d (Jaeger's default: 2 days), --limit <traces> (default 1000)`;

class UsageError extends Error {}

function parseTags(values = []) {
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf('=');
      if (at <= 0) throw new UsageError(`--tag wants key=value, got "${v}"`);
      return [v.slice(0, at), v.slice(at + 1)];
    }),
  );
}

function parseLookbackMs(text) {
  const m = /^(\d+)(m|h|d)$/.exec(text ?? '');
  if (!m) throw new UsageError(`--lookback wants a number and m, h or d (e.g. 2h), got "${text}"`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]];
}

/** Spans from an OTLP JSON file: one export request (`{ resourceSpans }`), or one per line. */
export function readOtlpFile(path) {
  if (!existsSync(path)) throw new Error(`${shownPath(path)} does not exist`);
  const text = readFileSync(path, 'utf8');
  let requests;
  try {
    requests = [JSON.parse(text)];
  } catch {
    try {
      requests = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    } catch {
      throw new Error(`${shownPath(path)} is neither OTLP JSON nor JSON lines of it`);
    }
  }
  return requests.flatMap((r) => spansFromOtlpData(r ?? {}));
}

async function jaegerGet(baseUrl, path, params = {}) {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = error.cause?.code ?? error.cause?.message ?? error.message;
    throw new Error(`cannot reach Jaeger's query API at ${url.origin} (${cause})`);
  }
  const body = await response.text();
  if (!response.ok) {
    const hint = response.status === 404 ? ` (is ${url.origin} Jaeger's query API? It listens on port 16686 by default)` : '';
    throw new Error(`Jaeger answered ${response.status} to ${url}: ${body.split('\n')[0].slice(0, 300)}${hint}`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`${url} did not answer JSON: is ${baseUrl} Jaeger's query endpoint (the UI port, 16686 by default)?`);
  }
}

/** Spans of the traces of `service` in a Jaeger that have a span with every tag (query API /api/traces). */
export async function readJaeger({ url, service, tags, lookbackMs, limit = 1000 }) {
  const params = { service, limit: String(limit) };
  if (Object.keys(tags).length) params.tags = JSON.stringify(tags);
  if (lookbackMs) {
    params.start = String((Date.now() - lookbackMs) * 1000);
    params.end = String(Date.now() * 1000);
  }
  const traces = (await jaegerGet(url, 'api/traces', params)).data ?? [];
  if (traces.length === 0) {
    const services = (await jaegerGet(url, 'api/services')).data ?? [];
    if (!services.includes(service)) {
      throw new Error(`Jaeger at ${url} has no service "${service}" (it has: ${services.sort().join(', ') || 'none'})`);
    }
  }
  return spansFromJaeger(traces);
}

function hasTags(span, tags) {
  return Object.entries(tags).every(([k, v]) => span.attributes[k] !== undefined && String(span.attributes[k]) === v);
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: 'string' },
      jaeger: { type: 'string' },
      service: { type: 'string' },
      tag: { type: 'string', multiple: true },
      lookback: { type: 'string' },
      limit: { type: 'string' },
      show: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const tags = parseTags(values.tag);
  if (values.file && values.jaeger) throw new UsageError('give --file or --jaeger, not both');

  let spans;
  let source;
  if (values.jaeger) {
    if (!values.service) throw new UsageError('--jaeger needs --service <name> (Jaeger searches one service at a time)');
    if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) throw new UsageError(`--limit wants a positive number, got "${values.limit}"`);
    spans = await readJaeger({
      url: values.jaeger,
      service: values.service,
      tags,
      lookbackMs: values.lookback === undefined ? undefined : parseLookbackMs(values.lookback),
      limit: values.limit === undefined ? undefined : Number(values.limit),
    });
    source = `Jaeger ${values.jaeger}, service ${values.service}`;
  } else {
    const path = values.file ? resolve(USER_CWD, values.file) : DEMO_TELEMETRY_FILE;
    if (!values.file && !existsSync(path)) {
      throw new Error(`no saved demo run (${shownPath(path)}): run \`npm run demo\` first, or pass --file <otlp.json> or --jaeger <url>`);
    }
    spans = readOtlpFile(path);
    source = shownPath(path);
  }
  if (Object.keys(tags).length) source += `, ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(', ')}`;

  // A search returns whole traces: keep the calls that carry the tags themselves, but every span of their
  // traces for the record (its retrieval stage).
  const calls = modelCallSpans(spans.filter((s) => hasTags(s, tags)));
  if (values.show !== undefined) {
    const call = findCall(calls, values.show);
    console.log(`Row ${calls.indexOf(call) + 1} of ${calls.length} (${source}):\n`);
    console.log(formatCallRecord(call, spans));
    return;
  }
  if (calls.length === 0) return void console.log(`no model calls in ${source}`);
  console.log(formatCallsTable(calls));
  console.log(`\n${calls.length} model call${calls.length === 1 ? '' : 's'} (${source}). One in full: add --show <row or response id>.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error) => {
    // parseArgs' own errors (unknown option, missing value) are usage errors too.
    const usage = error instanceof UsageError || error.code?.startsWith?.('ERR_PARSE_ARGS');
    console.error(`calls: ${error.message}${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = 1;
  });
}
