/*
 * The Anthropic translation without the SDK: content blocks → parts (the blocks the integration tests
 * cannot easily get a server to send), usage normalization, stream assembly edge cases, the SSE decoder
 * used for bodies an SDK helper parses itself, and the non-recording tracer of the SDK-span policy.
 */
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { blockParts, finishReason, outputMessage, toolDefinitions } from '../../src/providers/anthropic-shaped/content';
import { MessageChunkHandler, tokenUsage } from '../../src/providers/anthropic-shaped/messages';
import { messagesRequest, messagesResults } from '../../src/providers/anthropic/messages';
import { nonRecordingTracer } from '../../src/core/foreign-spans';
import { suppressesSdkSpans, runCreate, runStreamHelper } from '../../src/providers/anthropic/sdk-telemetry';
import { SseDecoder } from '../../src/providers/stainless/sse';

describe('content blocks → parts', () => {
  it('maps server tool blocks of every kind, MCP tool use, container uploads, compaction and unknown blocks', () => {
    expect(blockParts({ type: 'server_tool_use', id: 'srv_1', name: 'code_execution', input: { code: 'print(1)' } })).toEqual([
      { type: 'server_tool_call', id: 'srv_1', name: 'code_execution', server_tool_call: { type: 'code_execution', code: 'print(1)' } },
    ]);
    expect(blockParts({ type: 'code_execution_tool_result', tool_use_id: 'srv_1', content: { type: 'code_execution_result', stdout: '1\n' } })).toEqual([
      { type: 'server_tool_call_response', id: 'srv_1', server_tool_call_response: { type: 'code_execution', content: { type: 'code_execution_result', stdout: '1\n' } } },
    ]);
    expect(blockParts({ type: 'web_fetch_tool_result', tool_use_id: 'srv_2', content: { type: 'web_fetch_tool_error', error_code: 'unavailable' } })[0]).toMatchObject({
      type: 'server_tool_call_response',
      server_tool_call_response: { type: 'web_fetch' },
    });
    expect(blockParts({ type: 'mcp_tool_use', id: 'mcp_1', name: 'search', server_name: 'kb', input: { q: 'x' } })).toEqual([
      { type: 'server_tool_call', id: 'mcp_1', name: 'search', server_tool_call: { type: 'mcp', server_name: 'kb', q: 'x' } },
    ]);
    expect(blockParts({ type: 'mcp_tool_result', tool_use_id: 'mcp_1', content: [{ type: 'text', text: 'found' }], is_error: true })).toEqual([
      { type: 'server_tool_call_response', id: 'mcp_1', server_tool_call_response: { type: 'mcp', content: [{ type: 'text', text: 'found' }], is_error: true } },
    ]);
    expect(blockParts({ type: 'container_upload', file_id: 'file_9' })).toEqual([{ type: 'file', modality: 'document', file_id: 'file_9' }]);
    expect(blockParts({ type: 'compaction', content: 'Summary so far.', encrypted_content: 'x' })).toEqual([{ type: 'compaction', content: 'Summary so far.' }]);
    expect(blockParts({ type: 'tool_reference', tool_name: 'x' })).toEqual([{ type: 'tool_reference' }]);
    expect(blockParts({ nope: true })).toEqual([]);
    expect(blockParts('bare string')).toEqual([{ type: 'text', content: 'bare string' }]);
  });

  it('a server tool input that is not an object is kept under `input`', () => {
    expect(blockParts({ type: 'server_tool_use', id: 's', name: 'bash', input: 'ls' })).toEqual([
      { type: 'server_tool_call', id: 's', name: 'bash', server_tool_call: { type: 'bash', input: 'ls' } },
    ]);
  });

  it('a document with a content source gives its blocks; a tool result without content responds with an empty string', () => {
    expect(
      blockParts({ type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'a' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] } }),
    ).toEqual([
      { type: 'text', content: 'a' },
      { type: 'uri', modality: 'image', uri: 'https://x/y.png' },
    ]);
    expect(blockParts({ type: 'tool_result', tool_use_id: 't' })).toEqual([{ type: 'tool_call_response', id: 't', response: '' }]);
  });

  it('tool definitions: custom tools are functions; server tools keep their versioned type, MCP toolsets their server name', () => {
    expect(
      toolDefinitions([
        { name: 'f', input_schema: { type: 'object' }, type: 'custom' },
        { type: 'bash_20250124', name: 'bash' },
        { type: 'mcp_toolset', mcp_server_name: 'kb' },
        { type: 'browser_20260801' },
      ]),
    ).toEqual([
      { type: 'function', name: 'f', parameters: { type: 'object' } },
      { type: 'bash_20250124', name: 'bash' },
      { type: 'mcp_toolset', name: 'kb' },
      { type: 'browser_20260801', name: 'browser_20260801' },
    ]);
  });

  it('finish reasons, and an output message without a stop reason', () => {
    expect(finishReason('end_turn')).toBe('stop');
    expect(finishReason('something_new')).toBe('something_new');
    expect(finishReason('')).toBeUndefined();
    expect(outputMessage([], null)).toEqual({ role: 'assistant', parts: [], finish_reason: 'error' });
  });
});

describe('request and usage', () => {
  it('reads the beta output_format as json output, and nothing from a request without parameters', () => {
    const r = messagesRequest({ model: 'm', output_format: { type: 'json_schema', schema: {} } }, { provider: 'anthropic' });
    expect(r.params).toEqual({ stream: false, outputType: 'json' });
    expect(r.attributes).toBeUndefined();
    expect(r.content!()).toEqual({ systemInstructions: undefined, inputMessages: [], toolDefinitions: [] });
  });

  it('input tokens include the cache counters; missing counters are not invented', () => {
    expect(tokenUsage({ input_tokens: 3, output_tokens: 4, cache_read_input_tokens: 10 })).toEqual({
      inputTokens: 13,
      outputTokens: 4,
      cacheReadInputTokens: 10,
      cacheCreationInputTokens: undefined,
      reasoningOutputTokens: undefined,
    });
    expect(tokenUsage({ output_tokens: 4 })!.inputTokens).toBeUndefined();
    expect(tokenUsage(null)).toBeUndefined();
  });
});

describe('stream assembly', () => {
  it('message_delta totals replace message_start counters; null ones do not', () => {
    const acc = new MessageChunkHandler(false);
    acc.onChunk({ type: 'message_start', message: { id: 'm1', model: 'x', role: 'assistant', usage: { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 2 } } });
    acc.onChunk({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 9, input_tokens: null, cache_read_input_tokens: 4 } });
    const r = acc.toResponse(false);
    expect(r.usage).toMatchObject({ inputTokens: 9, outputTokens: 9, cacheReadInputTokens: 4 });
    expect(r.finishReasons).toEqual(['length']);
    expect(r.outputMessages).toBeUndefined();
  });

  it('a stream without any event reports finish reason error and no usage', () => {
    const r = new MessageChunkHandler(true).toResponse(true);
    expect(r).toMatchObject({ finishReasons: ['error'], usage: undefined });
    expect(r.outputMessages!()).toEqual([{ role: 'assistant', parts: [], finish_reason: 'error' }]);
  });

  it('ignores deltas for unknown blocks, signature and citation deltas; a fallback block sets the model', () => {
    const acc = new MessageChunkHandler(true);
    acc.onChunk({ type: 'message_start', message: { id: 'm', model: 'first', usage: {} } });
    acc.onChunk({ type: 'content_block_delta', index: 7, delta: { type: 'text_delta', text: 'lost' } });
    acc.onChunk({ type: 'content_block_start', index: 0, content_block: { type: 'fallback', to: { model: 'second' } } });
    acc.onChunk({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } });
    acc.onChunk({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: {} } });
    acc.onChunk({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'kept' } });
    acc.onChunk('not an event');
    const r = acc.toResponse(false);
    expect(r.responseModel).toBe('second');
    expect(r.outputMessages!()[0]!.parts).toEqual([{ type: 'fallback' }, { type: 'text', content: 'kept' }]);
  });

  it('sseEvent decodes events as the SDK does: skips pings and nameless events, errors on error events and bad JSON', () => {
    const results = messagesResults(false);
    expect(results.sseEvent!('ping', '{}', {})).toBeUndefined();
    expect(results.sseEvent!(null, '{"type":"x"}', {})).toBeUndefined();
    expect(results.sseEvent!('message_stop', '', {})).toBeUndefined();
    expect(results.sseEvent!('message_stop', '{"type":"message_stop"}', {})).toEqual({ chunk: { type: 'message_stop' } });
    const bad = results.sseEvent!('content_block_delta', '{"type":', {}) as { error: unknown };
    expect(bad.error).toBeInstanceOf(SyntaxError);
    const err = results.sseEvent!('error', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', {}) as { error: Error };
    expect(err.error.message).toBe('Overloaded');
  });
});

describe('SseDecoder', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('decodes events split across chunks, with \\n, \\r\\n and \\r line ends, comments, BOM and multi-line data', () => {
    const d = new SseDecoder();
    const out = [
      ...d.push(bytes('\uFEFFevent: a\nda')),
      ...d.push(bytes('ta: {"x":1}\n\n: comment\r\nevent: b\r\ndata: line1\r\ndata: line2\r\n\r')),
      ...d.push(bytes('\nevent: c\rdata:nospace\r\r')),
      ...d.push(bytes('id: 7\nretry: 5\ndata\n\n')),
    ];
    expect(out).toEqual([
      { event: 'a', data: '{"x":1}' },
      { event: 'b', data: 'line1\nline2' },
      { event: 'c', data: 'nospace' },
      { event: null, data: '' },
    ]);
  });

  it('decodes a multi-byte character split between chunks; drops an event the body ends without terminating', () => {
    const d = new SseDecoder();
    const all = bytes('data: é\n\ndata: tail');
    const out = [...d.push(all.slice(0, 7)), ...d.push(all.slice(7)), ...d.end()];
    expect(out).toEqual([{ event: null, data: 'é' }]);
  });

  it('a final line without its newline still completes at the end of the body when followed by a blank line', () => {
    const d = new SseDecoder();
    expect([...d.push('event: x\ndata: 1\n'), ...d.end()]).toEqual([]);
    const e = new SseDecoder();
    expect([...e.push('event: x\ndata: 1\n\r'), ...e.end()]).toEqual([{ event: 'x', data: '1' }]);
  });
});

describe("the SDK's own spans: tracer swap", () => {
  it('the non-recording tracer gives spans with the active span context, or an invalid one', () => {
    const parent = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    const ctx = trace.setSpan(ROOT_CONTEXT, parent);
    const child = nonRecordingTracer.startSpan('x', {}, ctx);
    expect(child.isRecording()).toBe(false);
    expect(child.spanContext()).toEqual(parent.spanContext());
    expect(trace.isSpanContextValid(nonRecordingTracer.startSpan('x', { root: true }, ctx).spanContext())).toBe(false);
    expect(trace.isSpanContextValid(nonRecordingTracer.startSpan('x', {}, ROOT_CONTEXT).spanContext())).toBe(false);
    expect(nonRecordingTracer.startActiveSpan('x', {}, ctx, (span) => span.spanContext().spanId)).toBe('b'.repeat(16));
    expect(nonRecordingTracer.startActiveSpan('x', (span) => span.isRecording())).toBe(false);
  });

  it('swaps the client tracer only for the synchronous call, nested windows restore each other, throws restore too', () => {
    const real = { startSpan: jest.fn() };
    const client: Record<string, unknown> = { _tracer: real };
    const seen: unknown[] = [];
    runStreamHelper(client, true, () => {
      seen.push(client._tracer);
      runCreate(client, true, () => seen.push(client._tracer));
      seen.push(client._tracer);
    });
    expect(seen).toEqual([undefined, nonRecordingTracer, undefined]);
    expect(client._tracer).toBe(real);
    expect(() =>
      runCreate(client, true, () => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    expect(client._tracer).toBe(real);
    // Nothing to swap: SDK tracing off (no tracer), or not suppressing.
    const off: Record<string, unknown> = {};
    runCreate(off, true, () => expect(off._tracer).toBeUndefined());
    expect('_tracer' in off).toBe(false);
    runCreate(client, false, () => expect(client._tracer).toBe(real));
  });

  it('keep suppresses only clients whose SDK spans record content', () => {
    expect(suppressesSdkSpans('suppress', {})).toBe(true);
    expect(suppressesSdkSpans('keep', { openTelemetry: { traces: { contentMode: 'metadata_only' } } })).toBe(false);
    expect(suppressesSdkSpans('keep', { openTelemetry: { traces: { contentMode: 'content' } } })).toBe(true);
  });
});
