/*
 * An error's message is content: providers echo the request in their 400s, tools quote their arguments.
 * With content capture off it goes nowhere (span status, the span's exception event, the exception log
 * record): the failure is named by its type; with capture on it is recorded where content goes, redacted
 * like content. Every failed call also gets a `gen_ai.client.operation.exception` log record (WARN).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { captureRejection } from '../helpers/async';
import { withEnv } from '../helpers/env';
import { useOpenAITestbed } from '../helpers/openai-testbed';
import { useGeminiTestbed } from '../helpers/google-genai-testbed';
import { useBedrockTestbed } from '../helpers/bedrock-testbed';
import { EXCEPTION_EVENT, expectExceptionLog, onlySpan } from '../helpers/spans';
import { apiError, json } from '../mock-servers/openai-server';
import { geminiError } from '../mock-servers/gemini-server';
import { awsError } from '../mock-servers/bedrock-server';
import { MODEL, baseChatAttributes, userMessage } from '../fixtures/chat';
import { failedResponse } from '../fixtures/responses';
import { MODEL as GEMINI_MODEL } from '../fixtures/gemini';
import { CLAUDE } from '../fixtures/bedrock';

/** A provider 400 that quotes what the user sent: a card number and an email address. */
const ECHO = "Invalid 'messages[0].content': 'my card 4111 1111 1111 1111, mail jane.doe@example.com' is too long";
const ECHO_REDACTED_ALL = "Invalid 'messages[0].content': 'my card [REDACTED:CARD], mail [REDACTED:EMAIL]' is too long";

function exceptionEvent(span: ReturnType<typeof onlySpan>) {
  return span.events.find((e) => e.name === 'exception')!.attributes!;
}

describe('openai: a 400 that echoes the request', () => {
  const { server, tel, client } = useOpenAITestbed({ lifetime: 'test' });
  const call = () => captureRejection(client().chat.completions.create({ model: MODEL, messages: [userMessage('my card 4111 1111 1111 1111')] }));

  test('content capture off (the default): no message anywhere, the failure named by its type', async () => {
    server.enqueue(apiError(400, ECHO));
    const error = await call();
    expect(error.message).toBe(`400 ${ECHO}`);
    const span = onlySpan(tel);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(exceptionEvent(span)['exception.type']).toBe('Error');
    expect(exceptionEvent(span)).not.toHaveProperty(['exception.message']);
    expect(String(exceptionEvent(span)['exception.stacktrace'])).toMatch(/^Error\n    at /);
    const logs = tel.logs();
    expect(logs).toHaveLength(1);
    expectExceptionLog(logs[0]!, span, { ...baseChatAttributes(server), 'error.type': 'BadRequestError' });
    const exported = JSON.stringify({ span: { status: span.status, events: span.events, attributes: span.attributes }, logs: logs.map((l) => l.attributes) });
    // The card as the app sent it (a bare '4111' can be part of server.port).
    for (const secret of ['4111 1111', 'jane.doe', 'messages[0].content']) expect(exported).not.toContain(secret);
  });

  test.each([
    ['SPAN_ONLY', true, false],
    ['EVENT_ONLY', false, true],
    ['SPAN_AND_EVENT', true, true],
  ] as const)('%s with OTEL_INSTRUMENTATION_GENAI_REDACT=all: the message where content goes, redacted', async (mode, onSpan, onEvent) => {
    await withEnv('OTEL_INSTRUMENTATION_GENAI_REDACT', 'all', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: mode });
      server.enqueue(apiError(400, ECHO));
      await call();
    });
    const span = onlySpan(tel);
    const expected = `400 ${ECHO_REDACTED_ALL}`;
    expect(span.status).toEqual(onSpan ? { code: SpanStatusCode.ERROR, message: expected } : { code: SpanStatusCode.ERROR });
    expect(exceptionEvent(span)['exception.message']).toBe(onSpan ? expected : undefined);
    const exceptionLog = tel.logs().find((l) => l.eventName === EXCEPTION_EVENT)!;
    expect(exceptionLog.attributes['exception.message']).toBe(onEvent ? expected : undefined);
    expect(String(exceptionLog.attributes['exception.stacktrace'])).toMatch(onEvent ? /^Error: 400 Invalid 'messages\[0\]\.content': 'my card \[REDACTED:CARD\]/ : /^Error\n    at /);
    expect(JSON.stringify({ events: span.events, status: span.status, logs: tel.logs().map((l) => l.attributes) })).not.toContain('4111 1111');
  });

  test('a failure the response reports (Responses API status failed): its message follows the same rule', async () => {
    const final = failedResponse('resp_e1', 'gpt-4.1-2025-04-14', { code: 'server_error', message: 'Could not process jane.doe@example.com' }, null);
    server.enqueue(json(final), json(final));
    await client().responses.create({ model: 'gpt-4.1', input: 'Hi' });
    expect(onlySpan(tel).status).toEqual({ code: SpanStatusCode.ERROR });
    const offLog = tel.logs().find((l) => l.eventName === EXCEPTION_EVENT)!;
    expect(offLog.attributes).toMatchObject({ 'error.type': 'server_error', 'exception.type': 'server_error' });
    expect(offLog.attributes).not.toHaveProperty(['exception.message']);

    tel.reset();
    await withEnv('OTEL_INSTRUMENTATION_GENAI_REDACT', 'all', async () => {
      tel.instrumentation.setConfig({ captureMessageContent: 'SPAN_AND_EVENT' });
      await client().responses.create({ model: 'gpt-4.1', input: 'Hi' });
    });
    expect(onlySpan(tel).status).toEqual({ code: SpanStatusCode.ERROR, message: 'Could not process [REDACTED:EMAIL]' });
    expect(tel.logs().find((l) => l.eventName === EXCEPTION_EVENT)!.attributes['exception.message']).toBe('Could not process [REDACTED:EMAIL]');
  });
});

describe('google-genai and bedrock: every failed call gets the exception log record', () => {
  const gemini = useGeminiTestbed({ lifetime: 'test' });
  const bedrock = useBedrockTestbed({ lifetime: 'test' });

  test('google-genai: a 400', async () => {
    gemini.server.enqueue(geminiError(400, 'Request contains an invalid argument.', 'INVALID_ARGUMENT'));
    await captureRejection(gemini.client().models.generateContent({ model: GEMINI_MODEL, contents: 'hi' }));
    const span = onlySpan(gemini.tel);
    const logs = gemini.tel.logs();
    expect(logs).toHaveLength(1);
    expectExceptionLog(logs[0]!, span, { ...gemini.baseAttributes('generate_content', GEMINI_MODEL), 'error.type': 'INVALID_ARGUMENT' });
  });

  test('bedrock: a ValidationException', async () => {
    bedrock.server.enqueue(awsError(400, 'ValidationException', 'The provided model identifier is invalid.'));
    await captureRejection(bedrock.client().send(new ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'hi' }] }] })));
    const span = onlySpan(bedrock.tel);
    const logs = bedrock.tel.logs();
    expect(logs).toHaveLength(1);
    expectExceptionLog(logs[0]!, span, { ...span.attributes });
    expect(logs[0]!.attributes['exception.type']).toBe('ValidationException');
  });
});
