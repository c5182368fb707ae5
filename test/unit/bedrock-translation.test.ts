/* The Bedrock translations' pure parts: model family choice, usage normalisation, readers that never throw. */
import { ApplyGuardrailCommand, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { commandKind } from '../../src/providers/bedrock/commands';
import { converseFinishReason, converseInputMessages, converseToolDefinitions } from '../../src/providers/bedrock/converse-content';
import { converseCommand } from '../../src/providers/bedrock/converse';
import { invokeModelCommand, modelFamily } from '../../src/providers/bedrock/invoke-model';
import { bedrockUsage, bodyText, parseJsonBody } from '../../src/providers/bedrock/json';

describe('commandKind', () => {
  it("the kind from the command's class or a base class (an app's subclass, a bundle's `_` name), the same every time", () => {
    class AppConverseStream extends ConverseStreamCommand {}
    class _InvokeModelCommand {}
    const input = { modelId: 'm', messages: [] };
    for (let i = 0; i < 2; i++) {
      expect(commandKind(new ConverseCommand(input))).toBe('Converse');
      expect(commandKind(new AppConverseStream(input))).toBe('ConverseStream');
      expect(commandKind(new ConverseStreamCommand(input))).toBe('ConverseStream');
      expect(commandKind(new _InvokeModelCommand())).toBe('InvokeModel');
      expect(commandKind(new ApplyGuardrailCommand({ guardrailIdentifier: 'g', guardrailVersion: '1', source: 'INPUT', content: [] }))).toBeUndefined();
      expect(commandKind({})).toBeUndefined();
      expect(commandKind(Object.create(null))).toBeUndefined();
      expect(commandKind(undefined)).toBeUndefined();
    }
  });
});

describe('modelFamily', () => {
  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', {}, 'anthropic'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', {}, 'anthropic'],
    ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2', {}, 'anthropic'],
    ['arn:aws:bedrock:eu-west-1:123:inference-profile/eu.anthropic.claude-3-5-sonnet', {}, 'anthropic'],
    ['amazon.nova-pro-v1:0', {}, 'nova'],
    ['apac.amazon.nova-micro-v1:0', {}, 'nova'],
    ['amazon.nova-canvas-v1:0', {}, 'unknown'],
    ['amazon.titan-text-premier-v1:0', {}, 'titan-text'],
    ['amazon.titan-tg1-large', {}, 'titan-text'],
    ['amazon.titan-embed-text-v1', {}, 'titan-embed'],
    ['amazon.titan-embed-image-v1', {}, 'titan-embed'],
    ['meta.llama3-70b-instruct-v1:0', {}, 'llama'],
    ['us.meta.llama3-2-90b-instruct-v1:0', {}, 'llama'],
    ['cohere.command-r-v1:0', {}, 'cohere-chat'],
    ['cohere.command-text-v14', {}, 'cohere-generate'],
    ['cohere.embed-multilingual-v3', {}, 'cohere-embed'],
    ['mistral.mixtral-8x7b-instruct-v0:1', { prompt: 'x' }, 'mistral-text'],
    ['mistral.mistral-large-2407-v1:0', { messages: [] }, 'openai-chat'],
    ['openai.gpt-oss-120b-1:0', { messages: [] }, 'openai-chat'],
    ['arn:aws:bedrock:us-east-1:123:application-inference-profile/abc', { anthropic_version: 'bedrock-2023-05-31' }, 'anthropic'],
    ['arn:aws:bedrock:us-east-1:123:provisioned-model/abc', { schemaVersion: 'messages-v1' }, 'nova'],
    ['ai21.jamba-1-5-large-v1:0', { messages: [] }, 'unknown'],
    ['', {}, 'unknown'],
  ])('%s → %s', (modelId, body, family) => {
    expect(modelFamily(modelId, body).name).toBe(family);
  });
});

describe('bedrockUsage', () => {
  it('adds cache reads and writes to the input tokens (reported next to them)', () => {
    expect(bedrockUsage({ input: 10, output: 5, cacheRead: 100, cacheWrite: 20, total: 135 })).toEqual({
      inputTokens: 130,
      outputTokens: 5,
      cacheReadInputTokens: 100,
      cacheCreationInputTokens: 20,
    });
  });
  it('keeps the input as is when the total shows the cache already inside it', () => {
    expect(bedrockUsage({ input: 110, output: 5, cacheRead: 100, total: 115 })).toEqual({ inputTokens: 110, outputTokens: 5, cacheReadInputTokens: 100 });
  });
  it('is undefined when nothing was reported', () => {
    expect(bedrockUsage({})).toBeUndefined();
  });
});

describe('readers never throw', () => {
  it('bodies: strings, bytes, array buffers; streams and garbage are not read', () => {
    expect(bodyText('{"a":1}')).toBe('{"a":1}');
    expect(parseJsonBody(new TextEncoder().encode('{"a":1}'))).toEqual({ a: 1 });
    expect(parseJsonBody(new TextEncoder().encode('{"a":1}').buffer)).toEqual({ a: 1 });
    expect(parseJsonBody('[1,2]')).toBeUndefined();
    expect(parseJsonBody('{oops')).toBeUndefined();
    expect(parseJsonBody({ pipe() {} })).toBeUndefined();
    expect(parseJsonBody(undefined)).toBeUndefined();
  });

  it('Converse translation of hostile input', () => {
    const input = { modelId: 42, messages: [null, 'text', { role: 7, content: [{}, { $unknown: ['newBlock', {}] }, { image: {} }, { toolResult: { content: 'x' } }] }], toolConfig: { tools: [null, {}] } };
    const t = converseCommand(input as never, {}, false);
    expect(t.request).toMatchObject({ operation: 'chat', provider: 'aws.bedrock', requestModel: undefined });
    expect(t.request.content!()).toEqual({
      systemInstructions: undefined,
      inputMessages: converseInputMessages(input.messages),
      toolDefinitions: converseToolDefinitions(input.toolConfig),
    });
    expect(converseInputMessages(input.messages)).toEqual([
      { role: 'user', parts: [] },
      { role: 'user', parts: [] },
      { role: 'user', parts: [{ type: 'newBlock' }, { type: 'image' }, { type: 'tool_call_response', response: [] }] },
    ]);
    expect(t.results(true).response({ output: { output: 'nope', usage: [] }, headers: {} })).toEqual({ finishReasons: ['error'], usage: undefined, outputMessages: undefined });
  });

  it('InvokeModel translation of a body with the wrong types', () => {
    const t = invokeModelCommand({ modelId: 'anthropic.claude-3', body: JSON.stringify({ max_tokens: 'many', messages: 'hi', system: 5 }) }, {}, true);
    expect(t.request.params).toEqual({ stream: true, maxTokens: undefined, temperature: undefined, topP: undefined, topK: undefined, stopSequences: undefined });
    expect(t.request.content!()).toEqual({ systemInstructions: [], inputMessages: [], toolDefinitions: undefined });
    const handler = t.results(true).stream!();
    handler.onChunk({ chunk: { bytes: new TextEncoder().encode('not json') } });
    handler.onChunk({ chunk: { bytes: new TextEncoder().encode(JSON.stringify({ type: 'content_block_delta', index: 'x', delta: null })) } });
    handler.onChunk(null);
    expect(handler.toResponse(true)).toMatchObject({ finishReasons: ['error'] });
  });
});

describe('converseFinishReason', () => {
  it('leaves an empty or missing reason undefined', () => {
    expect(converseFinishReason('')).toBeUndefined();
    expect(converseFinishReason(undefined)).toBeUndefined();
  });
});
