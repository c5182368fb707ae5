/*
 * Content size budget: settings (option + env vars, invalid values), inline-binary placeholders, and each
 * truncation rule with its exact output.
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import type { InputMessage, MessagePart, OutputMessage } from '../../src/core/model';
import {
  CAPTURE_INLINE_BINARY_ENV,
  DEFAULT_MAX_CONTENT_BYTES,
  MAX_CONTENT_BYTES_ENV,
  MIN_CONTENT_BYTES,
  base64DecodedBytes,
  cutStringToJsonBytes,
  omitInlineBinary,
  dataUrlSize,
  resolveTruncationSettings,
  truncateInputMessages,
  truncateJsonValue,
  truncateMessages,
  truncateOutputMessages,
  truncateParts,
  truncationMarker,
} from '../../src/core/truncation';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const text = (content: string): MessagePart => ({ type: 'text', content });
const msg = (role: string, ...contents: string[]): InputMessage => ({ role, parts: contents.map(text) });
const base64Of = (n: number) => Buffer.alloc(n, 0xab).toString('base64');

// ---------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------

describe('resolveTruncationSettings', () => {
  let warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m: string) => void warnings.push(`error: ${m}`),
    warn: (m: string) => void warnings.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  beforeEach(() => {
    diag.disable();
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    warnings = [];
  });
  afterEach(() => diag.disable());

  it('defaults: 64 KiB, no inline binary, no warning', () => {
    expect(DEFAULT_MAX_CONTENT_BYTES).toBe(65536);
    expect(MIN_CONTENT_BYTES).toBe(256);
    expect(resolveTruncationSettings({}, {})).toEqual({ maxContentBytes: 65536, captureInlineBinary: false });
    expect(resolveTruncationSettings(undefined, {})).toEqual({ maxContentBytes: 65536, captureInlineBinary: false });
    expect(warnings).toEqual([]);
  });

  it('config options are used when no env var is set', () => {
    expect(resolveTruncationSettings({ maxContentBytes: 1000, captureInlineBinary: true }, {})).toEqual({
      maxContentBytes: 1000,
      captureInlineBinary: true,
    });
    expect(warnings).toEqual([]);
  });

  it('env vars win over config; blank env vars count as unset', () => {
    const env = { [MAX_CONTENT_BYTES_ENV]: ' 4096 ', [CAPTURE_INLINE_BINARY_ENV]: 'FALSE' };
    expect(resolveTruncationSettings({ maxContentBytes: 1000, captureInlineBinary: true }, env)).toEqual({
      maxContentBytes: 4096,
      captureInlineBinary: false,
    });
    expect(resolveTruncationSettings({ maxContentBytes: 1000 }, { [CAPTURE_INLINE_BINARY_ENV]: ' True\n' })).toEqual({
      maxContentBytes: 1000,
      captureInlineBinary: true,
    });
    const blank = { [MAX_CONTENT_BYTES_ENV]: '  ', [CAPTURE_INLINE_BINARY_ENV]: '' };
    expect(resolveTruncationSettings({ maxContentBytes: 1000, captureInlineBinary: true }, blank)).toEqual({
      maxContentBytes: 1000,
      captureInlineBinary: true,
    });
    expect(warnings).toEqual([]);
  });

  it.each([['abc'], ['-5'], ['0'], ['12.5'], ['1e5'], ['+100'], ['64KiB'], ['99999999999999999999']])(
    'invalid %j in the env var: one warning, the default (not the config value)',
    (raw) => {
      expect(resolveTruncationSettings({ maxContentBytes: 1000 }, { [MAX_CONTENT_BYTES_ENV]: raw }).maxContentBytes).toBe(65536);
      expect(warnings).toEqual([
        `${MAX_CONTENT_BYTES_ENV}=${JSON.stringify(raw)} is not a positive integer; using the default of 65536 bytes.`,
      ]);
    },
  );

  it('a budget below the minimum is raised to 256 with one warning (env and config)', () => {
    expect(resolveTruncationSettings({}, { [MAX_CONTENT_BYTES_ENV]: '100' }).maxContentBytes).toBe(256);
    expect(resolveTruncationSettings({ maxContentBytes: 1 }, {}).maxContentBytes).toBe(256);
    expect(resolveTruncationSettings({ maxContentBytes: 256 }, {}).maxContentBytes).toBe(256);
    expect(warnings).toEqual([
      `${MAX_CONTENT_BYTES_ENV}="100" is below the minimum of 256 bytes; using 256.`,
      'maxContentBytes=1 is below the minimum of 256 bytes; using 256.',
    ]);
  });

  it.each([[0], [-1], [1.5], [NaN], [Infinity], ['4096']])('invalid maxContentBytes %p: one warning, the default', (value) => {
    expect(resolveTruncationSettings({ maxContentBytes: value as number }, {}).maxContentBytes).toBe(65536);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^maxContentBytes=.* is not a positive integer; using the default of 65536 bytes\.$/);
  });

  it('invalid inline-binary values: one warning each, binary not captured', () => {
    expect(resolveTruncationSettings({ captureInlineBinary: true }, { [CAPTURE_INLINE_BINARY_ENV]: 'yes' }).captureInlineBinary).toBe(false);
    expect(resolveTruncationSettings({ captureInlineBinary: 'true' as unknown as boolean }, {}).captureInlineBinary).toBe(false);
    expect(warnings).toEqual([
      `${CAPTURE_INLINE_BINARY_ENV}="yes" is not true or false; inline binary will not be captured.`,
      'captureInlineBinary="true" is not a boolean; inline binary will not be captured.',
    ]);
  });

  it('two invalid env vars: exactly one warning each', () => {
    resolveTruncationSettings({}, { [MAX_CONTENT_BYTES_ENV]: 'x', [CAPTURE_INLINE_BINARY_ENV]: '1' });
    expect(warnings).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------

describe('cutStringToJsonBytes', () => {
  it('returns the string itself when its JSON fits', () => {
    expect(cutStringToJsonBytes('hello', 7)).toBe('hello');
    expect(cutStringToJsonBytes('a"b', 6)).toBe('a"b'); // "a\"b" is 6 bytes
  });

  it('cuts to the longest prefix that fits with the marker', () => {
    // 40 bytes: 2 quotes + 23-byte marker for up to 99 removed chars ("…" is 3 bytes) + 15 chars.
    const cut = cutStringToJsonBytes('x'.repeat(50), 40);
    expect(cut).toBe(`${'x'.repeat(15)}…[TRUNCATED 35 chars]`);
    expect(bytes(cut)).toBe(40);
    expect(truncationMarker(35)).toBe('…[TRUNCATED 35 chars]');
  });

  it('counts JSON escapes and UTF-8 widths', () => {
    // Each "\n" is 2 bytes of JSON, each "é" 2 bytes of UTF-8.
    expect(cutStringToJsonBytes('\n'.repeat(50), 40)).toBe(`${'\n'.repeat(7)}…[TRUNCATED 43 chars]`);
    expect(cutStringToJsonBytes('é'.repeat(50), 40)).toBe(`${'é'.repeat(7)}…[TRUNCATED 43 chars]`);
  });

  it('never splits a surrogate pair', () => {
    // "😀" is 2 UTF-16 units, 4 UTF-8 bytes: 16 bytes of room hold 4 of them, not 4.5.
    const cut = cutStringToJsonBytes('😀'.repeat(30), 2 + 23 + 18);
    expect(cut).toBe(`${'😀'.repeat(4)}…[TRUNCATED 52 chars]`);
  });

  it('with no room for the marker: "…" or ""', () => {
    expect(cutStringToJsonBytes('x'.repeat(50), 10)).toBe('…');
    expect(cutStringToJsonBytes('x'.repeat(50), 4)).toBe('');
  });
});

describe('inline binary', () => {
  it('base64 decoded sizes ignore padding and whitespace', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100, 12345]) expect(base64DecodedBytes(base64Of(n))).toBe(n);
    expect(base64DecodedBytes('iVBO\nRw0K\r\nGgo=')).toBe(8);
  });

  it('parses data: URLs (base64 and percent-encoded), and nothing else', () => {
    expect(dataUrlSize(`data:image/png;base64,${base64Of(2048)}`)).toEqual({ mediaType: 'image/png', bytes: 2048 });
    expect(dataUrlSize('data:text/plain;charset=utf-8,a%20b')).toEqual({ mediaType: 'text/plain', bytes: 3 });
    expect(dataUrlSize('DATA:;base64,AAAA')).toEqual({ mediaType: 'text/plain', bytes: 3 });
    expect(dataUrlSize('data:,')).toEqual({ mediaType: 'text/plain', bytes: 0 });
    expect(dataUrlSize('data: this is prose, not a URL')).toBeUndefined();
    expect(dataUrlSize('https://ex.com/a.png')).toBeUndefined();
  });

  it('omitInlineBinary leaves content without binary as the same object', () => {
    const v = [msg('user', 'the metadata: is fine')];
    expect(omitInlineBinary(v)).toEqual({ value: v, omitted: 0 });
    expect(omitInlineBinary(v).value).toBe(v);
  });
});

// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

describe('truncateMessages: content that fits', () => {
  it('is returned as the same object, with its JSON', () => {
    const messages: InputMessage[] = [
      msg('system', 'Be brief.'),
      msg('user', 'Weather in Paris? 🌧️'),
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rainy, 14C' }] },
    ];
    const r = truncateMessages(messages, 65536);
    expect(r.messages).toBe(messages);
    expect(r).toEqual({ messages, json: JSON.stringify(messages), originalCount: 4, droppedCount: 0, truncated: false, binaryOmitted: 0 });
  });

  it('a budget exactly the size fits', () => {
    const messages = [msg('user', 'x'.repeat(500))];
    expect(truncateMessages(messages, bytes(messages)).messages).toBe(messages);
    expect(truncateMessages(messages, bytes(messages) - 1).truncated).toBe(true);
  });

  it('an empty array stays empty', () => {
    const r = truncateMessages([], 256);
    expect(r).toEqual({ messages: [], json: '[]', originalCount: 0, droppedCount: 0, truncated: false, binaryOmitted: 0 });
  });
});

describe('truncateMessages: dropping the middle of a conversation', () => {
  const conversation = (n: number): InputMessage[] => [
    msg('system', 'Be brief.'),
    ...Array.from({ length: n }, (_, i) => msg(i % 2 === 0 ? 'user' : 'assistant', `turn ${i} ${'x'.repeat(90)}`)),
  ];

  it('keeps the system message, the first user message and the newest messages that fit', () => {
    const messages = conversation(20);
    const kept = [messages[0], messages[1], messages[17], messages[18], messages[19], messages[20]];
    // Room for exactly these six; one more message would need 1 + 113 bytes.
    const budget = bytes(kept) + 100;
    const r = truncateMessages(messages, budget);
    expect(r.messages).toEqual(kept);
    expect(r).toMatchObject({ originalCount: 21, droppedCount: 15, truncated: true, binaryOmitted: 0 });
    expect(r.json).toBe(JSON.stringify(kept));
  });

  it('keeps every leading system/developer message, but not a system message later on', () => {
    const messages: InputMessage[] = [
      msg('system', 'Rule one.'),
      msg('developer', 'Rule two.'),
      msg('user', 'first question'),
      msg('assistant', 'a'.repeat(200)),
      msg('system', 'mid-conversation note'),
      msg('user', 'b'.repeat(200)),
      msg('assistant', 'last answer'),
    ];
    const kept = [messages[0], messages[1], messages[2], messages[6]];
    const r = truncateMessages(messages, bytes(kept) + 10);
    expect(r.messages).toEqual(kept);
    expect(r.droppedCount).toBe(3);
  });

  it('keeps the first user message wherever it is', () => {
    const messages: InputMessage[] = [
      msg('assistant', 'Hello! How can I help?'),
      msg('user', 'first question'),
      ...Array.from({ length: 10 }, (_, i) => msg(i % 2 === 0 ? 'assistant' : 'user', 'y'.repeat(300))),
      msg('user', 'newest'),
    ];
    const kept = [messages[1], messages[12]];
    const r = truncateMessages(messages, 300);
    expect(r.messages).toEqual(kept);
    expect(r).toMatchObject({ originalCount: 13, droppedCount: 11 });
  });

  it('one huge newest message is cut rather than pushing out the whole history', () => {
    const history = [msg('system', 'Be brief.'), msg('user', 'm0'), msg('assistant', 'm1'), msg('user', 'm2')];
    const messages = [...history, msg('user', 'H'.repeat(100_000))];
    const r = truncateMessages(messages, 2000);
    expect(r.messages.slice(0, 4)).toEqual(history);
    const newest = (r.messages[4].parts[0] as { content: string }).content;
    expect(newest).toMatch(/^H+…\[TRUNCATED \d+ chars\]$/);
    expect(r).toMatchObject({ droppedCount: 0, truncated: true });
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(2000);
    expect(Buffer.byteLength(r.json)).toBeGreaterThan(1990);
  });

  it('output messages are never dropped (one per choice): their content is cut', () => {
    const output: OutputMessage[] = [
      { role: 'assistant', parts: [text('z'.repeat(5000))], finish_reason: 'stop' },
      { role: 'assistant', parts: [text('short')], finish_reason: 'length' },
    ];
    const r = truncateOutputMessages(output, 1000);
    expect(r.messages).toEqual([
      { role: 'assistant', parts: [text(`${'z'.repeat(801)}…[TRUNCATED 4199 chars]`)], finish_reason: 'stop' },
      output[1],
    ]);
    expect(Buffer.byteLength(r.json)).toBe(1000);
    expect(r).toMatchObject({ originalCount: 2, droppedCount: 0, truncated: true });
    // Detected without `kind` too (every message has a finish_reason).
    expect(truncateMessages(output, 1000).messages).toEqual(r.messages);
  });
});

describe('truncateMessages: cutting long values', () => {
  it('cuts a long text with the exact marker', () => {
    const r = truncateMessages([msg('user', 'a'.repeat(1000))], 300);
    // 56 bytes of structure + "…" (3) + "[TRUNCATED 781 chars]" leave 219 chars.
    expect(r.messages).toEqual([msg('user', `${'a'.repeat(219)}…[TRUNCATED 781 chars]`)]);
    expect(Buffer.byteLength(r.json)).toBe(299);
    expect(r).toMatchObject({ originalCount: 1, droppedCount: 0, truncated: true });
  });

  it('cuts the longest value first', () => {
    const r = truncateMessages([msg('user', 'L'.repeat(2000), 's'.repeat(300))], 1000);
    expect(r.messages).toEqual([msg('user', `${'L'.repeat(590)}…[TRUNCATED 1410 chars]`, 's'.repeat(300))]);
    expect(Buffer.byteLength(r.json)).toBe(1000);
  });

  it('cuts two long values to the same size', () => {
    const r = truncateMessages([msg('user', 'L'.repeat(2000), 'M'.repeat(1500))], 1000);
    expect(r.messages).toEqual([msg('user', `${'L'.repeat(432)}…[TRUNCATED 1568 chars]`, `${'M'.repeat(432)}…[TRUNCATED 1068 chars]`)]);
  });

  it('never splits an emoji (surrogate pair)', () => {
    const r = truncateMessages([msg('user', '😀'.repeat(500))], 300);
    const content = (r.messages[0].parts[0] as { content: string }).content;
    expect(content).toBe(`${'😀'.repeat(54)}…[TRUNCATED 892 chars]`);
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(300);
  });

  it('tool-call arguments become a cut string preview of their JSON', () => {
    const output: OutputMessage[] = [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c1', name: 'search', arguments: { query: 'q'.repeat(2000) } }],
        finish_reason: 'tool_call',
      },
    ];
    const r = truncateOutputMessages(output, 400);
    expect(r.messages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'c1', name: 'search', arguments: `{"query":"${'q'.repeat(240)}…[TRUNCATED 1762 chars]` }],
        finish_reason: 'tool_call',
      },
    ]);
    expect(Buffer.byteLength(r.json)).toBe(400);
  });

  it('drops the middle before cutting: a huge tool round trip keeps only its result, cut', () => {
    const messages: InputMessage[] = [
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'search', arguments: { query: 'q'.repeat(2000) } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { hits: ['r'.repeat(2000)] } }] },
    ];
    const r = truncateMessages(messages, 700);
    expect(r.messages).toEqual([
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: `{"hits":["${'r'.repeat(581)}…[TRUNCATED 1422 chars]` }] },
    ]);
    expect(Buffer.byteLength(r.json)).toBe(700);
    expect(r).toMatchObject({ originalCount: 2, droppedCount: 1, truncated: true });
  });

  it('server tool payloads keep their object shape and type', () => {
    const output: OutputMessage[] = [
      {
        role: 'assistant',
        parts: [
          {
            type: 'server_tool_call_response',
            id: 'ws_1',
            server_tool_call_response: { type: 'web_search', results: ['w'.repeat(3000)] },
          },
        ],
        finish_reason: 'stop',
      },
    ];
    const r = truncateOutputMessages(output, 400);
    const part = r.messages[0].parts[0] as unknown as { server_tool_call_response: { type: string; results: unknown } };
    expect(part.server_tool_call_response.type).toBe('web_search');
    expect(part.server_tool_call_response.results).toMatch(/^\["w+…\[TRUNCATED \d+ chars\]$/);
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(400);
  });

  it('last resort: only the newest message, cut hard', () => {
    const messages = [msg('system', 'S'.repeat(1000)), msg('user', 'U'.repeat(1000)), msg('assistant', 'A'.repeat(1000))];
    const r = truncateMessages(messages, 256);
    expect(r.messages).toEqual([msg('assistant', `${'A'.repeat(170)}…[TRUNCATED 830 chars]`)]);
    expect(Buffer.byteLength(r.json)).toBe(255);
    expect(r).toMatchObject({ originalCount: 3, droppedCount: 2, truncated: true });
  });

  it('last resort: a message with too many parts keeps the first parts that fit', () => {
    const messages = [msg('user', ...Array.from({ length: 100 }, (_, i) => `part ${i}`))];
    const r = truncateMessages(messages, 256);
    expect(r.messages).toEqual([msg('user', 'part 0', 'part 1', 'part 2', 'part 3', 'part 4', 'part 5')]);
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(256);
    expect(r.droppedCount).toBe(0);
  });

  it('last resort for output: every choice kept, only the first with content', () => {
    const output: OutputMessage[] = Array.from({ length: 3 }, (_, i) => ({
      role: 'assistant',
      parts: Array.from({ length: 20 }, () => text(`choice ${i}`)),
      finish_reason: 'stop',
    }));
    const r = truncateOutputMessages(output, 300);
    expect(r.messages).toEqual([
      { role: 'assistant', parts: [text('choice 0'), text('choice 0'), text('choice 0')], finish_reason: 'stop' },
      { role: 'assistant', parts: [], finish_reason: 'stop' },
      { role: 'assistant', parts: [], finish_reason: 'stop' },
    ]);
    expect(r).toMatchObject({ originalCount: 3, droppedCount: 0, truncated: true });
    expect(Buffer.byteLength(r.json)).toBe(276);
  });

  it('long roles and names are cut like other values (never below 64 bytes); `type` never is', () => {
    const messages: InputMessage[] = [{ role: 'r'.repeat(500), name: 'n'.repeat(500), parts: [{ type: 't'.repeat(50), x: 'v'.repeat(500) }] }];
    const r = truncateMessages(messages, 400);
    const cut = (c: string) => `${c.repeat(75)}…[TRUNCATED 425 chars]`;
    expect(r.messages).toEqual([{ role: cut('r'), name: cut('n'), parts: [{ type: 't'.repeat(50), x: cut('v') }] }]);
    expect(Buffer.byteLength(r.json)).toBe(399);
  });

  it('a role is never cut below 64 bytes, while content is', () => {
    const messages: InputMessage[] = [{ role: 'r'.repeat(100), parts: [text('a'.repeat(3000)), text('b'.repeat(3000)), text('c'.repeat(3000))] }];
    const r = truncateMessages(messages, 290);
    const cut = (c: string) => text(`${c.repeat(14)}…[TRUNCATED 2986 chars]`);
    expect(r.messages).toEqual([{ role: `${'r'.repeat(38)}…[TRUNCATED 62 chars]`, parts: [cut('a'), cut('b'), cut('c')] }]);
    expect(bytes(r.messages[0].role)).toBe(63);
  });
});

describe('truncateMessages: inline binary', () => {
  const png = base64Of(12345);

  it('replaces blobs and data: URLs by placeholders with type and decoded size', () => {
    const messages: InputMessage[] = [
      {
        role: 'user',
        parts: [
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: png },
          { type: 'blob', modality: 'audio', content: 'UklGRiQAAABXQVZF' },
          { type: 'uri', modality: 'image', mime_type: 'image/png', uri: `data:image/png;base64,${base64Of(2048)}` },
          text(`look: data:image/jpeg;base64,${base64Of(10)} and data:application/pdf;base64,${base64Of(300)}.`),
          { type: 'file', modality: 'image', file_id: 'file-abc123' },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'c1', response: { images: [`data:image/gif;base64,${base64Of(7)}`] } }],
      },
    ];
    const before = structuredClone(messages);
    const r = truncateMessages(messages, 65536);
    expect(r.messages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: '[BINARY image/png 12345 bytes omitted]' },
          { type: 'blob', modality: 'audio', content: '[BINARY audio 12 bytes omitted]' },
          { type: 'uri', modality: 'image', mime_type: 'image/png', uri: '[DATA-URL image/png 2048 bytes omitted]' },
          text('look: [DATA-URL image/jpeg 10 bytes omitted] and [DATA-URL application/pdf 300 bytes omitted].'),
          { type: 'file', modality: 'image', file_id: 'file-abc123' },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'c1', response: { images: ['[DATA-URL image/gif 7 bytes omitted]'] } }],
      },
    ]);
    expect(r).toMatchObject({ originalCount: 2, droppedCount: 0, truncated: false, binaryOmitted: 6 });
    expect(messages).toEqual(before);
  });

  it('captureInlineBinary keeps binary that fits, as the same object', () => {
    const messages: InputMessage[] = [{ role: 'user', parts: [{ type: 'blob', modality: 'audio', content: 'UklGRiQAAABXQVZF' }] }];
    const r = truncateMessages(messages, 1000, { captureInlineBinary: true });
    expect(r.messages).toBe(messages);
    expect(r.binaryOmitted).toBe(0);
  });

  it('captureInlineBinary: content over the budget loses its binary first', () => {
    const messages: InputMessage[] = [
      msg('user', 'first'),
      { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/png', content: png }, text('what is this?')] },
    ];
    const r = truncateMessages(messages, 1000, { captureInlineBinary: true });
    expect(r.messages).toEqual([
      msg('user', 'first'),
      {
        role: 'user',
        parts: [{ type: 'blob', modality: 'image', mime_type: 'image/png', content: '[BINARY image/png 12345 bytes omitted]' }, text('what is this?')],
      },
    ]);
    expect(r).toMatchObject({ droppedCount: 0, truncated: false, binaryOmitted: 1 });
  });

  it('a blob whose content is a data: URL', () => {
    const r = truncateMessages([{ role: 'user', parts: [{ type: 'blob', modality: 'image', content: `data:image/webp;base64,${base64Of(99)}` }] }], 1000);
    expect(r.messages[0].parts[0]).toEqual({ type: 'blob', modality: 'image', content: '[BINARY image/webp 99 bytes omitted]' });
  });

  it('is idempotent: placeholders are left alone', () => {
    const once = truncateMessages([{ role: 'user', parts: [{ type: 'blob', modality: 'image', content: png }] }], 1000);
    const twice = truncateMessages(once.messages, 1000);
    expect(twice.messages).toBe(once.messages);
  });
});

describe('truncateMessages: minimum budget and robustness', () => {
  it('below 256 bytes, content that does not fit becomes []', () => {
    const messages = [msg('user', 'x'.repeat(300))];
    expect(truncateMessages(messages, 255)).toEqual({
      messages: [],
      json: '[]',
      originalCount: 1,
      droppedCount: 1,
      truncated: true,
      binaryOmitted: 0,
    });
    // Content that fits a small budget is still returned as is.
    const small = [msg('user', 'hi')];
    expect(truncateMessages(small, 100).messages).toBe(small);
  });

  it('never throws, and never modifies its input', () => {
    const cyclic: Record<string, unknown> = { q: 'x'.repeat(2000) };
    cyclic.self = cyclic;
    const messages: InputMessage[] = [
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'f', arguments: cyclic }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', response: { n: BigInt(12) } }] },
    ];
    const r = truncateMessages(messages, 500);
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(500);
    expect(JSON.parse(r.json)).toEqual(r.messages);
    expect(cyclic.q).toBe('x'.repeat(2000));
    expect(cyclic.self).toBe(cyclic);
  });

  it('a non-array is recorded as no messages', () => {
    expect(truncateMessages(undefined as unknown as InputMessage[], 1000).json).toBe('[]');
    expect(truncateInputMessages(null as unknown as InputMessage[], 1000).messages).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// System instructions and other values
// ---------------------------------------------------------------------------------------------------

describe('truncateParts (system instructions)', () => {
  it('fits: same object', () => {
    const parts = [text('You are a translator.'), text('Translate to French.')];
    expect(truncateParts(parts, 1000)).toEqual({ parts, json: JSON.stringify(parts), originalCount: 2, droppedCount: 0, truncated: false, binaryOmitted: 0 });
  });

  it('cuts long parts, longest first', () => {
    const r = truncateParts([text('Be brief.'), text('r'.repeat(5000))], 300);
    expect(r.parts).toEqual([text('Be brief.'), text(`${'r'.repeat(207)}…[TRUNCATED 4793 chars]`)]);
    expect(Buffer.byteLength(r.json)).toBe(300);
  });

  it('drops trailing parts when there are too many to fit', () => {
    const parts = Array.from({ length: 50 }, (_, i) => text(`rule ${i}`));
    const r = truncateParts(parts, 256);
    expect(r.parts).toEqual(parts.slice(0, 7));
    expect(r).toMatchObject({ originalCount: 50, droppedCount: 43, truncated: true });
  });
});

describe('truncateJsonValue (tool definitions and other values)', () => {
  it('cuts descriptions and turns a large schema into a string preview; type and name stay', () => {
    const tools = [
      {
        type: 'function',
        name: 'get_weather',
        description: 'd'.repeat(2000),
        parameters: { type: 'object', properties: { city: { type: 'string', description: 'q'.repeat(500) } } },
      },
      { type: 'web_search', name: 'web_search' },
    ];
    const r = truncateJsonValue(tools, 400);
    expect(r.value).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: `${'d'.repeat(116)}…[TRUNCATED 1884 chars]`,
        parameters: `{"type":"object","properties":{"city":{"type":"string","description":"${'q'.repeat(32)}…[TRUNCATED 472 chars]`,
      },
      { type: 'web_search', name: 'web_search' },
    ]);
    expect(Buffer.byteLength(r.json)).toBeLessThanOrEqual(400);
    expect(r).toMatchObject({ originalCount: 2, droppedCount: 0, truncated: true });
  });

  it('strings, objects and scalars', () => {
    expect(truncateJsonValue('x'.repeat(1000), 256).value).toBe(`${'x'.repeat(229)}…[TRUNCATED 771 chars]`);
    expect(truncateJsonValue({ a: 'x'.repeat(1000), type: 'keep' }, 256).value).toEqual({ a: `${'x'.repeat(209)}…[TRUNCATED 791 chars]`, type: 'keep' });
    expect(truncateJsonValue(42, 256)).toMatchObject({ value: 42, json: '42', truncated: false });
  });
});
