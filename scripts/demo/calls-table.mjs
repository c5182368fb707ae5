// The LLM calls of a run, from whichever backend the spans were read from: a compact table (one numbered
// row per model call span) and the full record of one call. Spans are normalized to
// `{ name, traceId, spanId, parentSpanId, service, startMs, durationMs, attributes }` by spansFromOtlpData
// (OTLP JSON, as the demo's receiver keeps it) or spansFromJaeger (Jaeger's query API).
import { anyValue } from './otlp-receiver.mjs';

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/** Spans of OTLP JSON `{ resourceSpans: [...] }` (an export request, or the demo's saved file). */
export function spansFromOtlpData({ resourceSpans = [] }) {
  return resourceSpans.flatMap((rs) => {
    const service = anyValue((rs.resource?.attributes ?? []).find((a) => a.key === 'service.name')?.value);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        name: span.name,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        service,
        startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
        durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
        attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, anyValue(a.value)])),
      })),
    );
  });
}

/** Spans of the traces Jaeger's query API returned (`data` of /api/traces); times there are microseconds. */
export function spansFromJaeger(traces) {
  const unique = new Map(); // a span of two matching searches, or listed twice, counts once
  for (const trace of traces) {
    for (const span of trace.spans) {
      unique.set(span.spanID, {
        name: span.operationName,
        traceId: span.traceID.padStart(32, '0'), // Jaeger drops the high half of an id when it is zero
        spanId: span.spanID,
        parentSpanId: span.references?.find((r) => r.refType === 'CHILD_OF')?.spanID,
        service: trace.processes?.[span.processID]?.serviceName,
        startMs: span.startTime / 1000,
        durationMs: span.duration / 1000,
        attributes: Object.fromEntries(span.tags.map((t) => [t.key, t.value])),
      });
    }
  }
  return [...unique.values()];
}

/** The model call spans (chat, completions, embeddings...) in start order: the table's rows, numbered from 1. */
export function modelCallSpans(spans) {
  return spans
    .filter((s) => MODEL_OPERATIONS.has(s.attributes['gen_ai.operation.name']))
    .sort((a, b) => a.startMs - b.startMs);
}

function parseJson(text) {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

// OTLP keeps arrays as arrays; Jaeger stores them as JSON strings.
function list(value) {
  const parsed = typeof value === 'string' ? (parseJson(value) ?? value) : value;
  return Array.isArray(parsed) ? parsed : parsed === undefined ? [] : [parsed];
}

function partText(part) {
  if (part.type === 'text') return part.content;
  if (part.type === 'tool_call') return `→ ${part.name}(${JSON.stringify(part.arguments ?? {})})`;
  if (part.type === 'tool_call_response') {
    const response = typeof part.response === 'string' ? part.response : JSON.stringify(part.response ?? null);
    return `← tool result ${response}`;
  }
  return `[${part.type}]`;
}

function partsText(message, separator = ' ') {
  return (message?.parts ?? []).map(partText).join(separator);
}

/** The last user message and the first output message, when content was captured. */
export function preview(attributes) {
  const input = parseJson(attributes['gen_ai.input.messages']);
  const output = parseJson(attributes['gen_ai.output.messages']);
  if (!input && !output) return undefined;
  const lastUser = [...(input ?? [])].reverse().find((m) => m.role === 'user' || m.role === 'tool');
  return { question: partsText(lastUser), answer: partsText(output?.[0]) };
}

function cut(text, width) {
  const oneLine = String(text ?? '').replace(/\s+/g, ' ').trim();
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

export function formatCallsTable(spans) {
  const calls = modelCallSpans(spans);
  const withContent = calls.some((s) => preview(s.attributes));
  const header = ['#', 'time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish'];
  if (withContent) header.push('question / answer');
  const rows = calls.map((s, i) => {
    const a = s.attributes;
    const row = [
      String(i + 1),
      new Date(s.startMs).toISOString().slice(11, 23),
      a['gen_ai.prompt.version'] ?? '',
      a['genai_app.tenant.id'] ?? '',
      a['gen_ai.response.model'] ?? a['gen_ai.request.model'] ?? '',
      s.durationMs.toFixed(1),
      String(a['gen_ai.usage.input_tokens'] ?? ''),
      String(a['gen_ai.usage.output_tokens'] ?? ''),
      list(a['gen_ai.response.finish_reasons']).join(','),
    ];
    if (withContent) {
      const p = preview(a);
      row.push(p ? `${cut(p.question, 40)} ⇒ ${cut(p.answer, 48)}` : '');
    }
    return row;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The call `which` names among `calls` (modelCallSpans): a row number of the table, or a response id.
 * Throws a one-line error when there is no such call.
 */
export function findCall(calls, which) {
  const text = String(which).trim();
  if (/^\d+$/.test(text)) {
    const call = calls[Number(text) - 1];
    if (!call) throw new Error(`no row ${text}: the table has ${calls.length ? `rows 1-${calls.length}` : 'no rows'}`);
    return call;
  }
  const call = calls.find((s) => s.attributes['gen_ai.response.id'] === text);
  if (!call) throw new Error(`no call with response id ${text} among the ${calls.length} calls`);
  return call;
}

const LABEL_WIDTH = 15;

function field(label, value) {
  const [first, ...rest] = String(value).split('\n');
  const pad = ' '.repeat(2 + LABEL_WIDTH);
  return [`  ${label.padEnd(LABEL_WIDTH)}${first}`, ...rest.map((l) => (l ? pad + l : ''))].join('\n');
}

function retrievalText(span) {
  const a = span.attributes;
  const head = `${a['gen_ai.data_source.id'] ?? span.name}${a['gen_ai.request.top_k'] !== undefined ? ` (top ${a['gen_ai.request.top_k']})` : ''}`;
  if (a['gen_ai.retrieval.documents'] === undefined) return `${head}: documents not recorded (content capture off)`;
  const docs = list(a['gen_ai.retrieval.documents']).map((d) => {
    const id = d.id ?? '?';
    const score = d.score !== undefined ? ` score ${d.score}` : '';
    return d.content !== undefined ? `${id}${score}: ${d.content}` : `${id}${score}`;
  });
  return `${head}: ${docs.join(', ') || 'nothing found'}`;
}

/**
 * The full record of one model call span: where it ran, prompt and context, model, tokens, latency, finish
 * reason, what the retrieval stage of its trace found, and every message in and out (when content was
 * captured). `spans` are the spans around it (its trace's retrieval spans are looked up there).
 */
export function formatCallRecord(call, spans = []) {
  const a = call.attributes;
  const lines = [];
  const add = (label, value) => value !== undefined && value !== '' && lines.push(field(label, value));
  const join = (...parts) => parts.filter((p) => p !== undefined && p !== '').join(' ');

  add('span', join(call.name, call.service && `(service ${call.service})`));
  add('trace / span', `${call.traceId} / ${call.spanId}`);
  add('response id', a['gen_ai.response.id']);
  add('started', new Date(call.startMs).toISOString());
  add('latency', `${call.durationMs.toFixed(1)} ms`);
  add('prompt', join(a['gen_ai.prompt.name'], a['gen_ai.prompt.version']));
  add('conversation', a['gen_ai.conversation.id']);
  add('tenant / user', a['genai_app.tenant.id'] !== undefined || a['user.id'] !== undefined ? `${a['genai_app.tenant.id'] ?? '-'} / ${a['user.id'] ?? '-'}` : undefined);
  const server = a['server.address'] !== undefined ? `${a['server.address']}${a['server.port'] !== undefined ? `:${a['server.port']}` : ''}` : undefined;
  const requested = a['gen_ai.request.model'];
  const responded = a['gen_ai.response.model'];
  add(
    'model',
    [
      join(
        requested && responded && requested !== responded ? `${requested} → ${responded}` : (responded ?? requested),
        a['gen_ai.provider.name'] && `(${a['gen_ai.provider.name']}${server ? ` at ${server}` : ''})`,
      ),
      a['gen_ai.request.temperature'] !== undefined ? `temperature ${a['gen_ai.request.temperature']}` : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  );
  if (a['gen_ai.usage.input_tokens'] !== undefined || a['gen_ai.usage.output_tokens'] !== undefined) {
    add('tokens', `${a['gen_ai.usage.input_tokens'] ?? '?'} in, ${a['gen_ai.usage.output_tokens'] ?? '?'} out`);
  }
  add('finish', list(a['gen_ai.response.finish_reasons']).join(', '));
  add('error', a['error.type']);
  const tools = list(a['gen_ai.tool.definitions']).map((t) => t.name ?? t.function?.name).filter(Boolean);
  add('tools offered', tools.join(', '));

  // The retrieval stage(s) of the same trace that ran before this call: what the model was given to go on.
  const retrievals = spans
    .filter((s) => s.traceId === call.traceId && s.attributes['gen_ai.operation.name'] === 'retrieval' && s.startMs <= call.startMs)
    .sort((x, y) => x.startMs - y.startMs);
  for (const r of retrievals) add('retrieved', retrievalText(r));

  const system = parseJson(a['gen_ai.system_instructions']);
  const input = parseJson(a['gen_ai.input.messages']);
  const output = parseJson(a['gen_ai.output.messages']);
  if (!input && !output && !system) {
    add('messages', 'not recorded (content capture off)');
  } else {
    if (system) add('in  system', list(system).map(partText).join('\n'));
    for (const m of input ?? []) add(`in  ${m.role}`, partsText(m, '\n'));
    for (const m of output ?? []) add(`out ${m.role}`, partsText(m, '\n'));
  }
  return lines.join('\n');
}
