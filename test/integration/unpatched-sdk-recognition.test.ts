/*
 * What the watch for an unpatched LLM SDK (src/core/unpatched-sdk.ts) counts, in process: enabled
 * instrumentations, the real OpenTelemetry SDK with its AsyncLocalStorage context manager, and real SDK
 * copies loaded through jest's module registry, which no module hook sees (so a copy is unpatched unless
 * it is given to manuallyInstrument), calling loopback servers. The warning as users see it, from
 * child-process apps, is in unpatched-sdk-warning.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BedrockRuntimeInstrumentation, GroqInstrumentation, OpenAIInstrumentation } from '../../src';
import { forgetUserWarnings } from '../../src/core/user-warning';
import type { GenAIInstrumentationBase } from '../../src/core';
import { useMockServer } from '../helpers/testbed';
import { MockOpenAIServer, json } from '../mock-servers/openai-server';

const CODE = 'OTEL_GENAI_SDK_NOT_PATCHED';
const exporter = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

/** The SDK-not-patched warnings emitted (their first sentence). */
let warned: string[] = [];
const enabled: GenAIInstrumentationBase[] = [];

/** A new, enabled instrumentation recording to this file's tracer provider (disabled after the test). */
function enable<I extends GenAIInstrumentationBase>(instrumentation: I): I {
  instrumentation.setTracerProvider(tracerProvider);
  enabled.push(instrumentation);
  return instrumentation;
}

/** A copy of a module of its own (jest's registry): patched by nobody. */
function freshCopy<T>(name: string): T {
  let copy: T | undefined;
  jest.isolateModules(() => {
    copy = require(name) as T;
  });
  return copy!;
}

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await tracerProvider.shutdown();
});
beforeEach(() => {
  exporter.reset();
  warned = [];
  forgetUserWarnings();
  jest.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
    if (options?.code === CODE) warned.push(String(message).split(': the app uses')[0]!);
  }) as typeof process.emitWarning);
});
afterEach(() => {
  for (const instrumentation of enabled.splice(0)) instrumentation.disable();
  jest.restoreAllMocks();
});

describe('groq-sdk (fetch): its OpenAI-style paths are told apart from openai by the user agent', () => {
  const server = useMockServer(new MockOpenAIServer());
  type GroqClass = typeof import('groq-sdk').default;
  const CHAT = { id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: null }] };
  const chat = (Groq: GroqClass) => new Groq({ apiKey: 'test-key', baseURL: server.origin, maxRetries: 0 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });

  it('a copy nobody patched: its recorded calls warn, once, naming groq-sdk (not openai)', async () => {
    enable(new OpenAIInstrumentation());
    enable(new GroqInstrumentation());
    const Groq = freshCopy<GroqClass>('groq-sdk');
    server.enqueue(json(CHAT), json(CHAT));
    await chat(Groq);
    await chat(Groq);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /openai/v1/chat/completions', 'POST /openai/v1/chat/completions']);
    expect(warned).toEqual(['opentelemetry-instrumentation-genai: a call of groq-sdk was not recorded']);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('the copy given to manuallyInstrument: recorded, no warning', async () => {
    enable(new OpenAIInstrumentation());
    const instrumentation = enable(new GroqInstrumentation());
    const sdk = freshCopy<{ default: GroqClass }>('groq-sdk');
    instrumentation.manuallyInstrument(sdk);
    server.enqueue(json(CHAT));
    await chat(sdk.default);
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes['gen_ai.provider.name']])).toEqual([['chat m', 'groq']]);
    expect(warned).toEqual([]);
  });
});

describe('openai (fetch)', () => {
  const server = useMockServer(new MockOpenAIServer());
  type OpenAIClass = typeof import('openai').default;
  const client = (OpenAI: OpenAIClass) => new OpenAI({ apiKey: 'test-key', baseURL: server.baseURL, maxRetries: 0 });
  const CHAT = { id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: null }] };
  const chat = (OpenAI: OpenAIClass) => client(OpenAI).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });

  it('a copy nobody patched: its recorded calls warn, once for two calls', async () => {
    enable(new OpenAIInstrumentation());
    const OpenAI = freshCopy<OpenAIClass>('openai');
    server.enqueue(json(CHAT), json(CHAT));
    await chat(OpenAI);
    await chat(OpenAI);
    expect(warned).toEqual(['opentelemetry-instrumentation-genai: a call of openai was not recorded']);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('the copy given to manuallyInstrument: recorded, no warning', async () => {
    const instrumentation = enable(new OpenAIInstrumentation());
    const sdk = freshCopy<{ default: OpenAIClass }>('openai');
    instrumentation.manuallyInstrument(sdk);
    server.enqueue(json(CHAT), json(CHAT));
    await chat(sdk.default);
    await chat(sdk.default);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat m', 'chat m']);
    expect(warned).toEqual([]);
  });

  it('calls this package does not record (models.list), and the same endpoint from another client (no SDK headers), do not count', async () => {
    enable(new OpenAIInstrumentation());
    const OpenAI = freshCopy<OpenAIClass>('openai');
    server.enqueue(json({ object: 'list', data: [] }), json(CHAT));
    await client(OpenAI).models.list();
    const response = await fetch(`${server.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' });
    await response.text();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
    expect(warned).toEqual([]);
  });

  it('nothing is watched while the instrumentation is disabled; enabled again, it is', async () => {
    const instrumentation = enable(new OpenAIInstrumentation());
    const OpenAI = freshCopy<OpenAIClass>('openai');
    instrumentation.disable();
    server.enqueue(json(CHAT), json(CHAT));
    await chat(OpenAI);
    expect(warned).toEqual([]);
    instrumentation.enable();
    await chat(OpenAI);
    expect(warned).toHaveLength(1);
  });

  it('without a context manager no request is ever inside a recorded call: nothing is said (it could be a false alarm)', async () => {
    const instrumentation = enable(new OpenAIInstrumentation());
    const patched = freshCopy<{ default: OpenAIClass }>('openai');
    instrumentation.manuallyInstrument(patched);
    context.disable();
    try {
      server.enqueue(json(CHAT), json(CHAT));
      await chat(patched.default);
      await chat(freshCopy<OpenAIClass>('openai'));
    } finally {
      context.setGlobalContextManager(contextManager);
    }
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(warned).toEqual([]);
  });

  it('a patched copy whose call could not be recorded (our failure, in diag) is not taken for an unpatched one', async () => {
    const instrumentation = enable(new OpenAIInstrumentation());
    const patched = freshCopy<{ default: OpenAIClass }>('openai');
    instrumentation.manuallyInstrument(patched);
    // Reading the request throws once: our translation fails, the SDK (reading it again) sends it.
    let reads = 0;
    const body = {
      messages: [{ role: 'user' as const, content: 'hello' }],
      get model(): string {
        if (reads++ === 0) throw new Error('first read');
        return 'm';
      },
    };
    server.enqueue(json(CHAT));
    await client(patched.default).chat.completions.create(body);
    expect(server.requests).toHaveLength(1);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(warned).toEqual([]);
  });
});

describe('@aws-sdk/client-bedrock-runtime over HTTP/1.1 (a NodeHttpHandler: node:http)', () => {
  type BedrockModule = typeof import('@aws-sdk/client-bedrock-runtime');
  let server: Server;
  let endpoint = '';
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'r-1' });
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
            metrics: { latencyMs: 1 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function converse(bedrock: BedrockModule): Promise<string | undefined> {
    const { NodeHttpHandler } = require('@smithy/node-http-handler');
    const client = new bedrock.BedrockRuntimeClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const output = await client.send(new bedrock.ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', messages: [{ role: 'user', content: [{ text: 'hello' }] }] }));
      return output.output?.message?.content?.[0]?.text;
    } finally {
      client.destroy();
    }
  }

  it('a copy nobody patched warns; the copy given to manuallyInstrument does not', async () => {
    const instrumentation = enable(new BedrockRuntimeInstrumentation());
    const patched = freshCopy<BedrockModule>('@aws-sdk/client-bedrock-runtime');
    instrumentation.manuallyInstrument(patched);
    expect(await converse(patched)).toBe('hi');
    expect(warned).toEqual([]);
    expect(await converse(freshCopy<BedrockModule>('@aws-sdk/client-bedrock-runtime'))).toBe('hi');
    expect(warned).toEqual(['opentelemetry-instrumentation-genai: a call of @aws-sdk/client-bedrock-runtime was not recorded']);
    expect(requests).toEqual(['POST /model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse', 'POST /model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse']);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});
