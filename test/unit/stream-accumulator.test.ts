/* StreamAccumulator: assembling streamed choices, tool calls, finish reasons and metadata. */
import { MISSING_FINISH_REASON, StreamAccumulator } from '../../src/core/stream-accumulator';

describe('StreamAccumulator', () => {
  it('concatenates text per choice and orders choices by index, whatever order they arrive in', () => {
    const acc = new StreamAccumulator(true);
    acc.appendText(1, 'Bon');
    acc.appendText(0, 'Hel');
    acc.appendText(1, 'jour');
    acc.appendText(0, 'lo');
    acc.setFinishReason(1, 'stop');
    acc.setFinishReason(0, 'length');
    const r = acc.toResponse();
    expect(r.finishReasons).toEqual(['length', 'stop']);
    expect(r.outputMessages!()).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'length' },
      { role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'stop' },
    ]);
  });

  it('assembles tool-call fragments by tool index, out of order and interleaved, in tool-index order', () => {
    const acc = new StreamAccumulator(true);
    acc.appendToolCall(0, 1, { id: 'call_b', name: 'get_time', arguments: '{"tz":' });
    acc.appendToolCall(0, 0, { id: 'call_a', name: 'get_weather', arguments: '' });
    acc.appendToolCall(0, 0, { id: null, name: null, arguments: '{"city":' });
    acc.appendToolCall(0, 1, { arguments: '"UTC"}' });
    acc.appendToolCall(0, 0, { arguments: '"Paris"}' });
    acc.setFinishReason(0, 'tool_call');
    expect(acc.toResponse().outputMessages!()).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
          { type: 'tool_call', id: 'call_b', name: 'get_time', arguments: { tz: 'UTC' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('tool calls in several choices stay with their choice; unparsable arguments stay strings; a missing name is ""', () => {
    const acc = new StreamAccumulator(true);
    acc.appendToolCall(1, 0, { id: 'c1', name: 'f', arguments: '{"a":1}' });
    acc.appendToolCall(0, 0, { id: 'c0', arguments: '{"truncated":' });
    acc.setFinishReason(0, 'tool_call');
    acc.setFinishReason(1, 'tool_call');
    expect(acc.toResponse().outputMessages!()).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c0', name: '', arguments: '{"truncated":' }], finish_reason: 'tool_call' },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: { a: 1 } }], finish_reason: 'tool_call' },
    ]);
  });

  it('a tool call without an id has no id property', () => {
    const acc = new StreamAccumulator(true);
    acc.appendToolCall(0, 0, { name: 'f', arguments: '{}' });
    acc.setFinishReason(0, 'tool_call');
    const [message] = acc.toResponse().outputMessages!();
    expect(message!.parts).toEqual([{ type: 'tool_call', name: 'f', arguments: {} }]);
    expect(Object.keys(message!.parts[0]!)).not.toContain('id');
  });

  it('orders parts reasoning, text, tool calls', () => {
    const acc = new StreamAccumulator(true);
    acc.appendToolCall(0, 0, { id: 'c', name: 'f', arguments: '{}' });
    acc.appendText(0, 'Let me check.');
    acc.appendReasoning(0, 'Think');
    acc.appendReasoning(0, 'ing.');
    acc.setFinishReason(0, 'tool_call');
    expect(acc.toResponse().outputMessages!()[0]!.parts).toEqual([
      { type: 'reasoning', content: 'Thinking.' },
      { type: 'text', content: 'Let me check.' },
      { type: 'tool_call', id: 'c', name: 'f', arguments: {} },
    ]);
  });

  it("a choice that ended without a finish reason gets 'error', aligned with the other choices", () => {
    const acc = new StreamAccumulator(true);
    acc.appendText(0, 'done');
    acc.setFinishReason(0, 'stop');
    acc.appendText(1, 'cut');
    acc.touch(2);
    const r = acc.toResponse();
    expect(MISSING_FINISH_REASON).toBe('error');
    expect(r.finishReasons).toEqual(['stop', 'error', 'error']);
    expect(r.outputMessages!()).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'done' }], finish_reason: 'stop' },
      { role: 'assistant', parts: [{ type: 'text', content: 'cut' }], finish_reason: 'error' },
      { role: 'assistant', parts: [], finish_reason: 'error' },
    ]);
  });

  it('interrupted (break, abort, error): every choice without a reason reports error', () => {
    const acc = new StreamAccumulator(true);
    acc.appendText(0, 'done');
    acc.setFinishReason(0, 'stop');
    acc.appendText(1, 'cut');
    expect(acc.toResponse(true).finishReasons).toEqual(['stop', 'error']);
  });

  it('interrupted before any choice arrived: one expected choice that failed', () => {
    const r = new StreamAccumulator(true).toResponse(true);
    expect(r.finishReasons).toEqual(['error']);
    expect(r.outputMessages!()).toEqual([{ role: 'assistant', parts: [], finish_reason: 'error' }]);
  });

  it('ran to its end without any finish reason: output messages say error, finish_reasons is left unset', () => {
    // Some OpenAI-compatible servers never send finish reasons; an uninterrupted stream is not an error.
    const acc = new StreamAccumulator(true);
    acc.appendText(0, 'partial');
    const r = acc.toResponse();
    expect(r.finishReasons).toBeUndefined();
    expect(r.outputMessages!()).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'partial' }], finish_reason: 'error' }]);
  });

  it('ignores null, undefined and empty finish reasons, keeps the last real one', () => {
    const acc = new StreamAccumulator(true);
    acc.setFinishReason(0, null);
    acc.setFinishReason(0, undefined);
    acc.setFinishReason(0, '');
    expect(acc.toResponse().finishReasons).toBeUndefined();
    acc.setFinishReason(0, 'length');
    acc.setFinishReason(0, null);
    expect(acc.toResponse().finishReasons).toEqual(['length']);
  });

  it('ignores non-string deltas', () => {
    const acc = new StreamAccumulator(true);
    acc.appendText(0, null);
    acc.appendText(0, undefined);
    acc.appendText(0, 'x');
    acc.appendReasoning(0, null);
    acc.setFinishReason(0, 'stop');
    expect(acc.toResponse().outputMessages!()).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'x' }], finish_reason: 'stop' }]);
  });

  it('capture off: keeps no text, reasoning or tool calls and offers no output messages, but still tracks choices and finish reasons', () => {
    const acc = new StreamAccumulator(false);
    acc.appendText(1, 'secret text');
    acc.appendReasoning(0, 'secret reasoning');
    acc.appendToolCall(0, 0, { id: 'c', name: 'secret_tool', arguments: '{"secret":1}' });
    acc.setFinishReason(1, 'stop');
    const r = acc.toResponse();
    expect(r.outputMessages).toBeUndefined();
    expect(r.finishReasons).toEqual(['error', 'stop']);
    expect(JSON.stringify(acc)).not.toContain('secret');
    // Nothing reachable from the accumulator holds the content.
    const choices = (acc as unknown as { choices: Map<number, { text: string; reasoning: string; toolCalls: Map<number, unknown> }> }).choices;
    for (const c of choices.values()) {
      expect(c.text).toBe('');
      expect(c.reasoning).toBe('');
      expect(c.toolCalls.size).toBe(0);
    }
  });

  it('passes id, model, usage, attributes and metric keys through', () => {
    const acc = new StreamAccumulator(false, ['openai.response.service_tier']);
    acc.responseId = 'chatcmpl-1';
    acc.responseModel = 'gpt-4o-2024-08-06';
    acc.usage = { inputTokens: 3, outputTokens: 4 };
    acc.attributes['openai.response.service_tier'] = 'default';
    acc.touch(0);
    acc.setFinishReason(0, 'stop');
    expect(acc.toResponse()).toEqual({
      responseId: 'chatcmpl-1',
      responseModel: 'gpt-4o-2024-08-06',
      usage: { inputTokens: 3, outputTokens: 4 },
      finishReasons: ['stop'],
      attributes: { 'openai.response.service_tier': 'default' },
      metricAttributeKeys: ['openai.response.service_tier'],
      outputMessages: undefined,
    });
  });

  it('no chunks at all: no finish reasons and no output messages', () => {
    const acc = new StreamAccumulator(true);
    const r = acc.toResponse();
    expect(r.finishReasons).toBeUndefined();
    expect(r.outputMessages!()).toEqual([]);
  });
});
