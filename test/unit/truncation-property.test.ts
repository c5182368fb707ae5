/*
 * Property tests for content truncation: over random conversations (every part type, unicode and emoji,
 * lone surrogates, huge strings, blobs, data: URLs, nested tool arguments) and random budgets from the
 * minimum (256 bytes) to 200 KB, the result
 *   - takes at most the budget in UTF-8 bytes of JSON, and `json` is exactly its JSON text;
 *   - has the conventions' shape (checked here and by the project's conformance checker);
 *   - leaves the input unchanged;
 *   - is the input itself when the input fits and has no inline binary to replace;
 *   - holds no inline binary unless asked to;
 *   - keeps the newest input message / the first output message, and accounts for every message.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import type { InputMessage, MessagePart, OutputMessage, ToolDefinition } from '../../src/core/model';
import {
  INLINE_BINARY_PLACEHOLDER,
  MIN_CONTENT_BYTES,
  truncateJsonValue,
  truncateMessages,
  truncateParts,
} from '../../src/core/truncation';
import { checkGenAISpan } from '../helpers/conformance';

const RUNS = 600;
const MAX_BUDGET = 200_000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// ---------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------

const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const shortText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 3 }), loneSurrogate), { maxLength: 10 }).map((a) => a.join('')) },
);
/** Up to 120 000 UTF-16 units, cheaply: a short (possibly emoji) seed repeated. */
const hugeText = fc
  .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom('😀', 'é', '"\\\n', '\u0001', 'a😀\ud800')), fc.integer({ min: 1, max: 40_000 }))
  .map(([seed, n]) => seed.repeat(n));
const anyText = fc.oneof({ weight: 6, arbitrary: shortText }, { weight: 1, arbitrary: hugeText });

const base64 = fc.integer({ min: 0, max: 30_000 }).map((n) => Buffer.alloc(n, n % 251).toString('base64'));
const mimeType = fc.constantFrom('image/png', 'image/jpeg', 'audio/wav', 'application/pdf', 'video/mp4');
const dataUrl = fc.tuple(mimeType, base64).map(([m, b]) => `data:${m};base64,${b}`);
const textWithDataUrl = fc.tuple(shortText, dataUrl, shortText).map(([a, url, b]) => `${a} ${url} ${b}`);
const content = fc.oneof({ weight: 12, arbitrary: anyText }, { weight: 1, arbitrary: textWithDataUrl });

const id = fc.option(fc.string({ maxLength: 12 }), { nil: undefined });
/** Nested JSON (tool arguments, results), sometimes with huge strings or data: URLs inside. */
const nested = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(anyText, dataUrl, fc.array(anyText, { maxLength: 3 })), { maxKeys: 4 }) },
  { weight: 1, arbitrary: anyText },
);
const modality = fc.constantFrom('image', 'audio', 'video', 'document');
const withOptional = <T extends object>(base: T, extra: Record<string, unknown>) => {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as MessagePart;
};

const KNOWN_TYPES = new Set(['text', 'reasoning', 'tool_call', 'tool_call_response', 'server_tool_call', 'server_tool_call_response', 'blob', 'uri', 'file']);

const part: fc.Arbitrary<MessagePart> = fc.oneof(
  { weight: 8, arbitrary: content.map((c) => ({ type: 'text', content: c })) },
  { weight: 2, arbitrary: content.map((c) => ({ type: 'reasoning', content: c })) },
  { weight: 2, arbitrary: fc.tuple(id, shortText, fc.option(nested, { nil: undefined })).map(([i, name, args]) => withOptional({ type: 'tool_call', name }, { id: i, arguments: args })) },
  { weight: 2, arbitrary: fc.tuple(id, nested).map(([i, response]) => withOptional({ type: 'tool_call_response', response }, { id: i })) },
  {
    weight: 1,
    arbitrary: fc.tuple(id, shortText, fc.string({ maxLength: 10 }), nested).map(([i, name, t, q]) =>
      withOptional({ type: 'server_tool_call', name, server_tool_call: { type: t, query: q } }, { id: i }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(id, fc.string({ maxLength: 10 }), nested).map(([i, t, r]) =>
      withOptional({ type: 'server_tool_call_response', server_tool_call_response: { type: t, results: r } }, { id: i }),
    ),
  },
  { weight: 2, arbitrary: fc.tuple(modality, fc.option(mimeType, { nil: undefined }), base64).map(([m, mt, b]) => withOptional({ type: 'blob', modality: m, content: b }, { mime_type: mt })) },
  {
    weight: 2,
    arbitrary: fc.tuple(modality, fc.oneof({ weight: 3, arbitrary: fc.webUrl() }, { weight: 1, arbitrary: dataUrl })).map(([m, uri]) => ({ type: 'uri', modality: m, uri })),
  },
  { weight: 1, arbitrary: fc.tuple(modality, fc.string({ maxLength: 20 })).map(([m, f]) => ({ type: 'file', modality: m, file_id: f })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !KNOWN_TYPES.has(t)), fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== 'type'), nested, { maxKeys: 3 }))
      .map(([type, fields]) => ({ ...fields, type })),
  },
);

const role = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('system', 'developer', 'user', 'user', 'assistant', 'assistant', 'tool') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);
const parts = fc.array(part, { maxLength: 6 });
const inputMessage: fc.Arbitrary<InputMessage> = fc
  .tuple(role, parts, fc.option(shortText, { nil: undefined }))
  .map(([r, p, name]) => (name === undefined ? { role: r, parts: p } : { role: r, parts: p, name }));
const outputMessage: fc.Arbitrary<OutputMessage> = fc
  .tuple(inputMessage, fc.oneof(fc.constantFrom('stop', 'length', 'tool_call', 'content_filter', 'error'), fc.string({ maxLength: 20 })))
  .map(([m, finish_reason]) => ({ ...m, finish_reason }));

const budget = fc.oneof(fc.integer({ min: MIN_CONTENT_BYTES, max: 3000 }), fc.integer({ min: MIN_CONTENT_BYTES, max: MAX_BUDGET }));

// ---------------------------------------------------------------------------------------------------
// Shape checks
// ---------------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** Violations of the conventions' message part schema (placeholders count as blob content). */
function partProblems(p: unknown, at: string): string[] {
  if (!isObject(p)) return [`${at} is not an object`];
  if (typeof p.type !== 'string') return [`${at}.type is not a string`];
  const v: string[] = [];
  const str = (k: string) => typeof p[k] === 'string' || v.push(`${at}.${k} must be a string`);
  const typed = (k: string) => (isObject(p[k]) && typeof (p[k] as Record<string, unknown>).type === 'string') || v.push(`${at}.${k} must be a typed object`);
  if (!optionalString(p.id)) v.push(`${at}.id must be a string`);
  switch (p.type) {
    case 'text':
    case 'reasoning':
      str('content');
      break;
    case 'tool_call':
      str('name');
      break;
    case 'tool_call_response':
      if (!('response' in p)) v.push(`${at} has no response`);
      break;
    case 'server_tool_call':
      str('name');
      typed('server_tool_call');
      break;
    case 'server_tool_call_response':
      typed('server_tool_call_response');
      break;
    case 'blob':
      str('modality');
      str('content');
      if (!optionalString(p.mime_type)) v.push(`${at}.mime_type must be a string`);
      break;
    case 'uri':
      str('modality');
      str('uri');
      break;
    case 'file':
      str('modality');
      str('file_id');
      break;
  }
  return v;
}

function messageProblems(value: unknown, output: boolean): string[] {
  if (!Array.isArray(value)) return ['not an array'];
  return value.flatMap((m, i) => {
    const at = `[${i}]`;
    if (!isObject(m)) return [`${at} is not an object`];
    const v: string[] = [];
    if (typeof m.role !== 'string') v.push(`${at}.role is not a string`);
    if (output && typeof m.finish_reason !== 'string') v.push(`${at}.finish_reason is not a string`);
    if (!optionalString(m.name)) v.push(`${at}.name is not a string`);
    if (!Array.isArray(m.parts)) v.push(`${at}.parts is not an array`);
    else m.parts.forEach((p, j) => v.push(...partProblems(p, `${at}.parts[${j}]`)));
    return v;
  });
}

/** The project's conformance checker, on a minimal span carrying the attribute (placeholders → valid base64). */
function conformance(attribute: string, json: string): string[] {
  const blobsAsBase64 = JSON.stringify(JSON.parse(json), function (this: unknown, key, v: unknown) {
    if (key === 'content' && isObject(this) && this.type === 'blob' && typeof v === 'string' && INLINE_BINARY_PLACEHOLDER.test(v)) return '';
    return v;
  });
  const span = {
    name: 'chat',
    kind: SpanKind.CLIENT,
    status: { code: SpanStatusCode.UNSET },
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', [attribute]: blobsAsBase64 },
  } as unknown as ReadableSpan;
  return checkGenAISpan(span);
}

const INLINE_BINARY = /"blob"|data:/i;
const BASE64_DATA_URL = /data:[^,"\s]*;base64,/i;

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

describe('truncation properties', () => {
  it(`messages: fit the budget, keep the shape, never modify the input (${RUNS} runs)`, () => {
    // How often each path ran: the generators must reach all of them.
    const seen = { same: 0, binaryOnly: 0, cut: 0, dropped: 0, newestOnly: 0, output: 0 };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(inputMessage, { maxLength: 12 }),
        fc.array(outputMessage, { maxLength: 4 }),
        budget,
        fc.boolean(),
        (isOutput, inputs, outputs, budgetBytes, captureInlineBinary) => {
          const messages: Array<InputMessage | OutputMessage> = isOutput ? outputs : inputs;
          const before = structuredClone(messages);
          const inputJson = JSON.stringify(messages);
          const r = truncateMessages(messages, budgetBytes, { kind: isOutput ? 'output' : 'input', captureInlineBinary });

          // Fits, and `json` is its JSON text.
          expect(bytes(r.json)).toBeLessThanOrEqual(budgetBytes);
          expect(r.json).toBe(JSON.stringify(r.messages));
          // Shape.
          expect(messageProblems(r.messages, isOutput)).toEqual([]);
          if (!captureInlineBinary) {
            expect(conformance(isOutput ? 'gen_ai.output.messages' : 'gen_ai.input.messages', r.json)).toEqual([]);
          }
          // Input unchanged.
          expect(messages).toEqual(before);
          expect(JSON.stringify(messages)).toBe(inputJson);
          // Counts.
          expect(r.originalCount).toBe(messages.length);
          expect(r.messages.length + r.droppedCount).toBe(messages.length);
          if (messages.length > 0) expect(r.messages.length).toBeGreaterThan(0);
          const fits = bytes(inputJson) <= budgetBytes;
          if (r.messages === messages) seen.same++;
          else if (!r.truncated) seen.binaryOnly++;
          else if (r.droppedCount === 0) seen.cut++;
          else if (r.messages.length > 1 || isOutput) seen.dropped++;
          else seen.newestOnly++;
          if (isOutput && r.truncated) seen.output++;
          if (fits) {
            expect(r.truncated).toBe(false);
            expect(r.droppedCount).toBe(0);
            if (captureInlineBinary || !INLINE_BINARY.test(inputJson)) {
              expect(r.messages).toBe(messages);
              expect(r.json).toBe(inputJson);
            }
          }
          // No inline binary unless asked for.
          if (!captureInlineBinary) {
            expect(BASE64_DATA_URL.test(r.json)).toBe(false);
            for (const m of r.messages) {
              for (const p of m.parts) {
                if (p.type === 'blob') expect((p as { content: string }).content).toMatch(INLINE_BINARY_PLACEHOLDER);
              }
            }
          }
          // The newest input message / the first choice is kept (its role, when short enough not to be cut).
          if (messages.length > 0) {
            const [source, kept] = isOutput ? [messages[0], r.messages[0]] : [messages[messages.length - 1], r.messages[r.messages.length - 1]];
            if (bytes(JSON.stringify(source.role)) <= 64) expect(kept.role).toBe(source.role);
            const reason = (source as OutputMessage).finish_reason;
            if (isOutput && bytes(JSON.stringify(reason)) <= 64) expect((kept as OutputMessage).finish_reason).toBe(reason);
          }
        },
      ),
      { numRuns: RUNS },
    );
    for (const count of Object.values(seen)) expect(count).toBeGreaterThanOrEqual(10);
    console.log(`truncation paths over ${RUNS} runs: ${JSON.stringify(seen)}`);
  });

  it('system instructions: fit the budget, keep the shape, never modify the input', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }), budget, fc.boolean(), (parts, budgetBytes, captureInlineBinary) => {
        const before = structuredClone(parts);
        const r = truncateParts(parts, budgetBytes, { captureInlineBinary });
        expect(bytes(r.json)).toBeLessThanOrEqual(budgetBytes);
        expect(r.json).toBe(JSON.stringify(r.parts));
        expect(Array.isArray(r.parts)).toBe(true);
        expect(r.parts.flatMap((p, i) => partProblems(p, `[${i}]`))).toEqual([]);
        if (!captureInlineBinary) expect(conformance('gen_ai.system_instructions', r.json)).toEqual([]);
        expect(parts).toEqual(before);
        expect(r.parts.length + r.droppedCount).toBe(parts.length);
        const json = JSON.stringify(parts);
        if (bytes(json) <= budgetBytes && (captureInlineBinary || !INLINE_BINARY.test(json))) expect(r.parts).toBe(parts);
      }),
      { numRuns: 300 },
    );
  });

  it('tool definitions: fit the budget, keep type and name, never modify the input', () => {
    const tool: fc.Arbitrary<ToolDefinition> = fc
      .tuple(fc.constantFrom('function', 'web_search', 'code_interpreter'), shortText, fc.option(anyText, { nil: undefined }), fc.option(nested, { nil: undefined }))
      .map(([type, name, description, parameters]) => {
        const t: ToolDefinition = { type, name };
        if (description !== undefined) t.description = description;
        if (parameters !== undefined) t.parameters = parameters;
        return t;
      });
    fc.assert(
      fc.property(fc.array(tool, { maxLength: 8 }), budget, (tools, budgetBytes) => {
        const before = structuredClone(tools);
        const r = truncateJsonValue(tools, budgetBytes);
        expect(bytes(r.json)).toBeLessThanOrEqual(budgetBytes);
        expect(r.json).toBe(JSON.stringify(r.value));
        expect(conformance('gen_ai.tool.definitions', r.json)).toEqual([]);
        r.value.forEach((t, i) => {
          expect(t.type).toBe(tools[i].type);
          if (bytes(JSON.stringify(tools[i].name)) <= 64) expect(t.name).toBe(tools[i].name);
        });
        expect(tools).toEqual(before);
        if (bytes(JSON.stringify(tools)) <= budgetBytes && !INLINE_BINARY.test(JSON.stringify(tools))) expect(r.value).toBe(tools);
      }),
      { numRuns: 300 },
    );
  });
});
