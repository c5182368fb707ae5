/*
 * Legacy completions.create (text_completion) through the real openai SDK against the loopback mock
 * server: non-streamed and streamed, prompt string and array, several choices, usage.
 */
import OpenAI from 'openai';
import { SpanStatusCode } from '@opentelemetry/api';
import { apiError, json, sse } from '../mock-servers/openai-server';
import { metricPoints } from '../helpers/telemetry';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { collect } from '../helpers/async';
import { assistantTextOutput, onlyErrorSpan, onlySpan, parsedAttributes, takeTtfc, userTextMessage } from '../helpers/spans';
import { completion, completionChunk as chunk, completionUsageChunk } from '../fixtures/completions';

describe('openai legacy completions', () => {
  const { server, tel, client, baseAttributes } = useOpenAITestbed({ config: { captureMessageContent: 'SPAN_ONLY' } });

  /** The attributes every completions span starts with, for a request to `model`, plus `extra`. */
  const requestAttributes = (model: string, extra: Record<string, unknown> = {}) =>
    baseAttributes('text_completion', { 'gen_ai.request.model': model, ...extra });

  /** The attributes of a streamed request to `m` answered as `id` by the same model. */
  const streamedAttributes = (m: string, id: string) =>
    requestAttributes(m, { 'gen_ai.request.stream': true, 'gen_ai.response.id': id, 'gen_ai.response.model': m });

  it('non-streamed, prompt string, two choices: all request params, finish reasons per choice, usage, content', async () => {
    const body = completion({
      id: 'cmpl-001',
      model: 'gpt-3.5-turbo-instruct-0914',
      fingerprint: 'fp_legacy',
      choices: [
        { text: ' Paris.', finish_reason: 'stop' },
        { text: ' The capital of France is', finish_reason: 'length' },
      ],
      usage: [7, 9],
    });
    server.enqueue(json(body));
    const result = await client().completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'The capital of France is',
      n: 2,
      max_tokens: 5,
      temperature: 0.7,
      top_p: 0.95,
      frequency_penalty: 0.1,
      presence_penalty: -0.2,
      seed: 42,
      stop: ['\n'],
    });
    expect(result).toEqual(body);
    expect(server.requests[0]!.path).toBe('/v1/completions');

    const span = onlySpan(tel);
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(parsedAttributes(span)).toEqual({
      ...requestAttributes('gpt-3.5-turbo-instruct', {
        'gen_ai.request.choice.count': 2,
        'gen_ai.request.max_tokens': 5,
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.top_p': 0.95,
        'gen_ai.request.frequency_penalty': 0.1,
        'gen_ai.request.presence_penalty': -0.2,
        'gen_ai.request.seed': 42,
        'gen_ai.request.stop_sequences': ['\n'],
      }),
      'gen_ai.response.id': 'cmpl-001',
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct-0914',
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 9,
      'openai.response.system_fingerprint': 'fp_legacy',
      'gen_ai.input.messages': [userTextMessage('The capital of France is')],
      'gen_ai.output.messages': [assistantTextOutput(' Paris.', 'stop'), assistantTextOutput(' The capital of France is', 'length')],
    });

    const points = metricPoints(await tel.metrics(), 'gen_ai.client.token.usage').filter(
      (p) => p.attributes['gen_ai.response.id'] === undefined && p.attributes['gen_ai.response.model'] === 'gpt-3.5-turbo-instruct-0914',
    );
    const metricBase = requestAttributes('gpt-3.5-turbo-instruct', {
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct-0914',
      'openai.response.system_fingerprint': 'fp_legacy',
    });
    expect(points.map((p) => ({ attributes: p.attributes, sum: p.value.sum }))).toEqual([
      { attributes: { ...metricBase, 'gen_ai.token.type': 'input' }, sum: 7 },
      { attributes: { ...metricBase, 'gen_ai.token.type': 'output' }, sum: 9 },
    ]);
  });

  it('non-streamed, prompt array: one input message per prompt, single stop string', async () => {
    const body = completion({ id: 'cmpl-002', model: 'davinci-002', choices: [{ text: 'A', finish_reason: 'stop' }, { text: 'B', finish_reason: 'stop' }], usage: [4, 2] });
    server.enqueue(json(body));
    const result = await client().completions.create({ model: 'davinci-002', prompt: ['first prompt', 'second prompt'], stop: 'END' });
    expect(result.choices.map((c) => c.text)).toEqual(['A', 'B']);

    const span = onlySpan(tel);
    expect(parsedAttributes(span)).toEqual({
      ...requestAttributes('davinci-002', { 'gen_ai.request.stop_sequences': ['END'] }),
      'gen_ai.response.id': 'cmpl-002',
      'gen_ai.response.model': 'davinci-002',
      'gen_ai.response.finish_reasons': ['stop', 'stop'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.input.messages': [userTextMessage('first prompt'), userTextMessage('second prompt')],
      'gen_ai.output.messages': [assistantTextOutput('A', 'stop'), assistantTextOutput('B', 'stop')],
    });
  });

  it('streamed with usage: interleaved choices assembled per index, TTFC, the app sees every chunk unchanged', async () => {
    const m = 'gpt-3.5-turbo-instruct-0914';
    const chunks = [
      chunk('cmpl-101', m, 0, 'Hel', null),
      chunk('cmpl-101', m, 1, 'Bon', null),
      chunk('cmpl-101', m, 1, 'jour', 'stop'),
      chunk('cmpl-101', m, 0, 'lo', null),
      chunk('cmpl-101', m, 0, ' there', 'length'),
      completionUsageChunk('cmpl-101', m, [3, 6]),
    ];
    server.enqueue(sse(chunks));
    const stream = await client().completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hello',
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(await collect(stream)).toEqual(chunks);

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
      ...requestAttributes('gpt-3.5-turbo-instruct', { 'gen_ai.request.choice.count': 2, 'gen_ai.request.stream': true }),
      'gen_ai.response.id': 'cmpl-101',
      'gen_ai.response.model': m,
      'gen_ai.response.finish_reasons': ['length', 'stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.input.messages': [userTextMessage('Say hello')],
      'gen_ai.output.messages': [assistantTextOutput('Hello there', 'length'), assistantTextOutput('Bonjour', 'stop')],
    });
  });

  it('a stream cut off before any finish reason: output message says error; no usage without include_usage', async () => {
    const m = 'gpt-3.5-turbo-instruct';
    server.enqueue(sse([chunk('cmpl-102', m, 0, 'Once', null), chunk('cmpl-102', m, 0, ' upon', null)], { done: false }));
    const stream = await client().completions.create({ model: m, prompt: 'Tell a story', stream: true });
    expect((await collect(stream)).map((c) => c.choices[0]?.text ?? '').join('')).toBe('Once upon');

    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(parsedAttributes(span, { takeTtfc: true })).toEqual({
      ...streamedAttributes(m, 'cmpl-102'),
      // The stream ran to its end (no abort, no error) without any finish reason, as some
      // OpenAI-compatible servers do: finish_reasons stays unset rather than claiming an error. The
      // output message still needs a finish_reason (required by the schema) and says 'error'.
      // Interrupted streams (break, abort, error) do report ['error']: see chat-streaming.test.ts.
      'gen_ai.input.messages': [userTextMessage('Tell a story')],
      'gen_ai.output.messages': [assistantTextOutput('Once upon', 'error')],
    });
  });

  it('capture off: no content attributes; streamed text is not kept', async () => {
    tel.instrumentation.setConfig({ captureMessageContent: 'NO_CONTENT' });
    const m = 'gpt-3.5-turbo-instruct';
    server.enqueue(sse([chunk('cmpl-103', m, 0, 'secret', 'stop')]));
    await collect(await client().completions.create({ model: m, prompt: 'secret prompt', stream: true }));
    const span = onlySpan(tel);
    const attrs = { ...span.attributes };
    takeTtfc(span, attrs);
    expect(attrs).toEqual({ ...streamedAttributes(m, 'cmpl-103'), 'gen_ai.response.finish_reasons': ['stop'] });
  });

  it('an HTTP error is an error span; the app gets the SDK error', async () => {
    server.enqueue(apiError(500, 'Server exploded', 'server_error'));
    const err = await client().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const span = onlyErrorSpan(tel, (err as Error).message);
    expect(parsedAttributes(span)).toEqual({
      ...requestAttributes('gpt-3.5-turbo-instruct', { 'error.type': 'InternalServerError' }),
      'gen_ai.input.messages': [userTextMessage('x')],
    });
  });
});
