/*
 * The app must not notice the instrumentation, also in how a failure it never awaited ends the process:
 * a model call started and never awaited fails; without instrumentation Node reports the rejection as
 * unhandled and the process ends with code 1 and the error on stderr. With the instrumentation the
 * process must end the same way (an observer that attached a rejection handler to the SDK's promise
 * would silently swallow it), and the call must still be recorded as a failed span.
 *
 * test/apps/unawaited-failure.cjs is the app; every provider's mock server answers its call with an error.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { useBuiltPackage } from '../helpers/child-app';
import { MockOpenAIServer, apiError } from '../mock-servers/openai-server';
import { MockAnthropicServer, apiError as anthropicError } from '../mock-servers/anthropic-server';
import { MockGeminiServer, geminiError } from '../mock-servers/gemini-server';
import { MockBedrockServer, awsError } from '../mock-servers/bedrock-server';
import { useMockServer } from '../helpers/testbed';

const APP = join(__dirname, '..', 'apps', 'unawaited-failure.cjs');

interface Run {
  code: number | null;
  /** The first line of the error Node printed for the unhandled rejection (its class and message). */
  errorLine: string | undefined;
  spans: Array<{ status: number; errorType?: string }>;
  timerFired: boolean;
}

function run(provider: string, baseURL: string, register: boolean): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, UNAWAITED_PROVIDER: provider, UNAWAITED_BASE_URL: baseURL, GENAI_APP_REGISTER: register ? '1' : '0' };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, [APP], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const spansLine = stdout.split('\n').find((l) => l.startsWith('SPANS '));
      resolve({
        code: error ? (error as { code?: number }).code ?? null : 0,
        errorLine: stderr.split('\n').find((l) => /^\w*Error\b|^\[?\w+Exception/.test(l)),
        spans: spansLine ? JSON.parse(spansLine.slice('SPANS '.length)) : [],
        timerFired: stdout.includes('no unhandled rejection'),
      });
    });
  });
}

describe('a failing call the app never awaits', () => {
  useBuiltPackage();
  const openai = useMockServer(new MockOpenAIServer());
  const anthropic = useMockServer(new MockAnthropicServer());
  const gemini = useMockServer(new MockGeminiServer());
  const bedrock = useMockServer(new MockBedrockServer());

  // `fail` scripts the error reply for the next run, on a reset server (the error text carries a request counter).
  const cases = [
    { provider: 'openai', baseURL: () => openai.baseURL, fail: () => openai.reset() ?? openai.enqueue(apiError(400, 'bad request')), errorType: 'BadRequestError' },
    { provider: 'anthropic', baseURL: () => anthropic.origin, fail: () => anthropic.reset() ?? anthropic.enqueue(anthropicError(400, 'bad request')), errorType: 'BadRequestError' },
    { provider: 'google-genai', baseURL: () => gemini.baseUrl, fail: () => gemini.reset() ?? gemini.enqueue(geminiError(400, 'bad request', 'INVALID_ARGUMENT')), errorType: 'INVALID_ARGUMENT' },
    { provider: 'bedrock', baseURL: () => bedrock.endpoint, fail: () => bedrock.reset() ?? bedrock.enqueue(awsError(400, 'ValidationException', 'bad request')), errorType: 'ValidationException' },
  ];

  test.each(cases)('$provider: the process ends by the unhandled rejection, with and without instrumentation', async ({ provider, baseURL, fail, errorType }) => {
    fail();
    const plain = await run(provider, baseURL(), false);
    fail();
    const instrumented = await run(provider, baseURL(), true);

    expect(plain.code).toBe(1);
    expect(plain.timerFired).toBe(false);
    expect(plain.errorLine).toBeDefined();
    expect(plain.spans).toEqual([]);
    expect({ code: instrumented.code, errorLine: instrumented.errorLine, timerFired: instrumented.timerFired }).toEqual({
      code: plain.code,
      errorLine: plain.errorLine,
      timerFired: false,
    });
    expect(instrumented.spans).toEqual([{ status: 2, errorType }]);
  });
});
