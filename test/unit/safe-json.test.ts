/*
 * safeJsonStringify never throws and always yields valid JSON; parseJsonIfPossible; and a property
 * test that chat message conversion always yields valid message JSON.
 */
import fc from 'fast-check';
import { parseJsonIfPossible, safeJsonStringify } from '../../src/core/safe-json';
import { chatInputMessages } from '../../src/providers/openai-shaped/chat-messages';

/** Valid JSON, and stable under a parse/stringify round trip. */
function expectValidJson(s: string): unknown {
  expect(typeof s).toBe('string');
  const parsed = JSON.parse(s);
  expect(JSON.stringify(parsed)).toBe(s);
  return parsed;
}

describe('safeJsonStringify', () => {
  it('plain data is exactly JSON.stringify', () => {
    const v = [{ role: 'user', parts: [{ type: 'text', content: 'hé "quoted" \n ✓' }] }, 1, 2.5, null, true, 'x'];
    expect(safeJsonStringify(v)).toBe(JSON.stringify(v));
  });

  it('a self-reference becomes "[Circular]"', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    const s = safeJsonStringify(a);
    expect(expectValidJson(s)).toEqual({ x: 1, self: '[Circular]' });
  });

  it('an indirect cycle through arrays becomes "[Circular]" at the point it closes', () => {
    const parent: Record<string, unknown> = { name: 'p' };
    const child = { name: 'c', parent, list: [] as unknown[] };
    parent.children = [child];
    child.list.push(child, parent);
    expect(expectValidJson(safeJsonStringify(parent))).toEqual({
      name: 'p',
      children: [{ name: 'c', parent: '[Circular]', list: ['[Circular]', '[Circular]'] }],
    });
  });

  it('the same object referenced twice without a cycle is serialized both times', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const tools = [
      { type: 'function', name: 'a', parameters: schema },
      { type: 'function', name: 'b', parameters: schema },
    ];
    expect(expectValidJson(safeJsonStringify(tools))).toEqual(JSON.parse(JSON.stringify(tools)));
    const part = { type: 'text', content: 'same' };
    expect(safeJsonStringify([part, part, { nested: part }])).toBe(JSON.stringify([part, part, { nested: part }]));
  });

  it('bigints become strings', () => {
    expect(expectValidJson(safeJsonStringify({ n: 10n, list: [-5n, 2n ** 70n] }))).toEqual({
      n: '10',
      list: ['-5', '1180591620717411303424'],
    });
    expect(safeJsonStringify(7n)).toBe('"7"');
  });

  it('a throwing toJSON still gives valid JSON', () => {
    const bad = {
      toJSON() {
        throw new Error('no');
      },
    };
    expectValidJson(safeJsonStringify(bad));
    expectValidJson(safeJsonStringify([{ ok: 1 }, bad]));
  });

  it('a throwing getter still gives valid JSON', () => {
    const bad = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expectValidJson(safeJsonStringify({ a: 1, bad }));
  });

  it('functions, symbols and undefined are dropped as JSON.stringify drops them; top level gives null', () => {
    expect(safeJsonStringify({ f: () => 1, s: Symbol('x'), u: undefined, k: 1 })).toBe('{"k":1}');
    expect(safeJsonStringify([() => 1, Symbol('x'), undefined])).toBe('[null,null,null]');
    expect(safeJsonStringify(undefined)).toBe('null');
    expect(safeJsonStringify(() => 1)).toBe('null');
    expect(safeJsonStringify(Symbol('x'))).toBe('null');
  });

  it('non-finite numbers, dates, maps, buffers and typed arrays give valid JSON', () => {
    const s = safeJsonStringify({ nan: NaN, inf: -Infinity, d: new Date(0), m: new Map([[1, 2]]), b: Buffer.from('hi'), f: new Float32Array([1]) });
    expect(expectValidJson(s)).toEqual({
      nan: null,
      inf: null,
      d: '1970-01-01T00:00:00.000Z',
      m: {},
      b: { type: 'Buffer', data: [104, 105] },
      f: { '0': 1 },
    });
  });

  it('a toJSON that returns the object itself does not loop', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.toJSON = () => o;
    expectValidJson(safeJsonStringify(o));
  });

  it('null-prototype objects serialize', () => {
    const o = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(safeJsonStringify(o)).toBe('{"a":1}');
  });
});

describe('parseJsonIfPossible', () => {
  it('parses JSON strings', () => {
    expect(parseJsonIfPossible('{"city":"Paris"}')).toEqual({ city: 'Paris' });
    expect(parseJsonIfPossible('[1,2]')).toEqual([1, 2]);
    expect(parseJsonIfPossible('42')).toBe(42);
  });

  it('returns other strings unchanged (including empty and truncated JSON)', () => {
    expect(parseJsonIfPossible('rainy, 14C')).toBe('rainy, 14C');
    expect(parseJsonIfPossible('')).toBe('');
    expect(parseJsonIfPossible('{"city":')).toBe('{"city":');
  });

  it('returns non-strings unchanged (same reference)', () => {
    const obj = { a: 1 };
    expect(parseJsonIfPossible(obj)).toBe(obj);
    expect(parseJsonIfPossible(undefined)).toBeUndefined();
    expect(parseJsonIfPossible(null)).toBeNull();
    expect(parseJsonIfPossible(3)).toBe(3);
  });
});

/*
 * Property: whatever an app passes as `messages` (well-formed, half-formed or garbage), chatInputMessages
 * never throws and yields messages that serialize to JSON that round-trips, each with a string role and
 * a parts array of typed parts.
 */
describe('chatInputMessages(anything) → valid message JSON', () => {
  const garbage = fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, garbage);
  const dataUrl = fc.oneof(
    fc.constantFrom('data:image/png;base64,iVBORw0KGgo=', 'data:text/plain,hello%20world', 'data:,%', 'data:;base64,', 'data:audio/wav,%E0%A4%A'),
    fc.tuple(fc.string(), fc.string()).map(([meta, body]) => `data:${meta},${body}`),
  );
  const url = fc.oneof(fc.webUrl(), dataUrl, fc.string());
  const part = maybe(
    fc.record(
      {
        type: maybe(fc.constantFrom('text', 'refusal', 'image_url', 'input_audio', 'file', 'some_future_part')),
        text: maybe(fc.string()),
        refusal: maybe(fc.string()),
        image_url: maybe(fc.record({ url: maybe(url), detail: maybe(fc.constantFrom('auto', 'low', 'high')) }, { requiredKeys: [] })),
        input_audio: maybe(fc.record({ data: maybe(fc.base64String()), format: maybe(fc.constantFrom('wav', 'mp3')) }, { requiredKeys: [] })),
        file: maybe(fc.record({ file_id: maybe(fc.string()), file_data: maybe(dataUrl), filename: maybe(fc.string()) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    ),
  );
  const fn = maybe(fc.record({ name: maybe(fc.string()), arguments: maybe(fc.oneof(fc.json(), fc.string())), input: maybe(fc.string()) }, { requiredKeys: [] }));
  const toolCall = maybe(fc.record({ id: maybe(fc.string()), type: maybe(fc.constantFrom('function', 'custom')), function: fn, custom: fn }, { requiredKeys: [] }));
  const message = maybe(
    fc.record(
      {
        role: maybe(fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function'), fc.string())),
        content: maybe(fc.oneof(fc.string(), fc.array(part, { maxLength: 5 }), fc.constant(null))),
        name: maybe(fc.string()),
        tool_call_id: maybe(fc.string()),
        tool_calls: maybe(fc.array(toolCall, { maxLength: 3 })),
        function_call: fn,
        refusal: maybe(fc.string()),
      },
      { requiredKeys: [] },
    ),
  );
  const messages = maybe(fc.array(message, { maxLength: 6 }));

  function checkRoundTrip(input: unknown): void {
    const out = chatInputMessages(input);
    expect(Array.isArray(out)).toBe(true);
    const json = safeJsonStringify(out);
    const parsed = JSON.parse(json) as unknown;
    expect(JSON.stringify(parsed)).toBe(json);
    expect(Array.isArray(parsed)).toBe(true);
    const list = parsed as Array<Record<string, unknown>>;
    expect(list).toHaveLength(out.length);
    list.forEach((m, i) => {
      expect(typeof m.role).toBe('string');
      expect(m.role).toBe(out[i]!.role);
      expect(Array.isArray(m.parts)).toBe(true);
      expect((m.parts as unknown[]).length).toBe(out[i]!.parts.length);
      for (const p of m.parts as unknown[]) {
        expect(p !== null && typeof p === 'object' && !Array.isArray(p)).toBe(true);
        expect(typeof (p as { type?: unknown }).type).toBe('string');
      }
      if ('name' in m) expect(typeof m.name).toBe('string');
    });
  }

  it('holds for arbitrary input', () => {
    fc.assert(
      fc.property(messages, (input) => {
        checkRoundTrip(input);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a malformed percent-escape in a non-base64 image data URL', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,%' } }] }]],
    ['a malformed percent-escape in file data', [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:text/plain,%E0%A4%A' } }] }]],
    ['a circular tool-call argument object', (() => {
      const args: Record<string, unknown> = { a: 1 };
      args.self = args;
      return [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }];
    })()],
    ['bigint arguments', [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: { n: 1n } } }] }]],
  ])('holds for %s', (_label, input) => {
    checkRoundTrip(input);
  });

  it('a non-base64 data URL is percent-decoded and re-encoded as base64', () => {
    expect(chatInputMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } }] }])).toEqual([
      { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/svg+xml', content: Buffer.from('<svg/>').toString('base64') }] },
    ]);
  });
});
