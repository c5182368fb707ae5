// Prints the LLM calls of a run as a compact table: one row per model call span, from whichever backend
// the spans were read from (normalized to `{ startMs, durationMs, attributes }`).
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

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

function partsText(message) {
  return (message?.parts ?? [])
    .map((part) => {
      if (part.type === 'text') return part.content;
      if (part.type === 'tool_call') return `→ ${part.name}(${JSON.stringify(part.arguments ?? {})})`;
      if (part.type === 'tool_call_response') return `← tool result ${JSON.stringify(part.response ?? null)}`;
      return `[${part.type}]`;
    })
    .join(' ');
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
  const header = ['time', 'prompt', 'tenant', 'model', 'ms', 'in', 'out', 'finish'];
  if (withContent) header.push('question / answer');
  const rows = calls.map((s) => {
    const a = s.attributes;
    const finish = parseJson(a['gen_ai.response.finish_reasons']) ?? a['gen_ai.response.finish_reasons'];
    const row = [
      new Date(s.startMs).toISOString().slice(11, 23),
      a['gen_ai.prompt.version'] ?? '',
      a['genai_app.tenant.id'] ?? '',
      a['gen_ai.response.model'] ?? a['gen_ai.request.model'] ?? '',
      s.durationMs.toFixed(1),
      String(a['gen_ai.usage.input_tokens'] ?? ''),
      String(a['gen_ai.usage.output_tokens'] ?? ''),
      Array.isArray(finish) ? finish.join(',') : String(finish ?? ''),
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
