/*
 * GenAI context metadata: what it puts on spans and metrics, how it flows (awaits, timers, async
 * generators consumed after withGenAIContext returned), how nested GenAI contexts merge, the capture override,
 * and input validation (numbers for ids and the prompt version; what cannot be recorded is warned about,
 * visibly once per field). Real SDK pipeline: BasicTracerProvider + AsyncLocalStorageContextManager.
 *
 * "LLM spans" here are started the way the lead wires GenAI context metadata into Invocation: it is read
 * from the active context when the span starts.
 */
import { DiagLogLevel, ROOT_CONTEXT, type Attributes, context, diag, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  type GenAIContextMetadata,
  deleteGenAIContext,
  getGenAIContext,
  contextMetricAttributes,
  contextSpanAttributes,
  contextCaptureMode,
  setGenAIContext,
  withGenAIContext,
} from '../../src/core/genai-context';
import { forgetUserWarnings } from '../../src/core/user-warning';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const contextManager = new AsyncLocalStorageContextManager();
const warnings: string[] = [];
/** The Node warnings (code OTEL_GENAI_CONTEXT_METADATA) emitted. */
const nodeWarnings: string[] = [];

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  contextManager.disable();
  context.disable();
  await provider.shutdown();
});
beforeEach(() => {
  exporter.reset();
  warnings.length = 0;
  const record = (message: string) => void warnings.push(message);
  diag.setLogger({ error: record, warn: record, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  nodeWarnings.length = 0;
  forgetUserWarnings();
  jest.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
    if (options?.code === 'OTEL_GENAI_CONTEXT_METADATA') nodeWarnings.push(String(message));
  }) as typeof process.emitWarning);
});
afterEach(() => {
  diag.disable();
  jest.restoreAllMocks();
});

/** Starts and ends an LLM-like span as Invocation would: GenAI context attributes read from the active context. */
function llmCall(name = 'chat m'): Attributes {
  const span = tracer.startSpan(name, {
    attributes: { ...contextSpanAttributes(getGenAIContext()), 'gen_ai.operation.name': 'chat' },
  });
  span.end();
  return spanAttrs(name);
}

function spanAttrs(name: string): Attributes {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  return spans[spans.length - 1]!.attributes;
}

const FULL: GenAIContextMetadata = {
  conversationId: 'conv-1',
  promptName: 'support-answer',
  promptVersion: '7',
  userId: 'user-42',
  tenantId: 'acme',
  environment: 'production',
  attributes: { team: 'search', 'com.acme.region': 'eu', 'session.id': 's-9', retries: 2, tags: ['a', 'b'] },
};

const FULL_SPAN_ATTRIBUTES = {
  'genai_app.team': 'search',
  'com.acme.region': 'eu',
  'session.id': 's-9',
  'genai_app.retries': 2,
  'genai_app.tags': ['a', 'b'],
  'gen_ai.conversation.id': 'conv-1',
  'gen_ai.prompt.name': 'support-answer',
  'gen_ai.prompt.version': '7',
  'user.id': 'user-42',
  'genai_app.tenant.id': 'acme',
  'deployment.environment.name': 'production',
};

describe('attributes', () => {
  it('puts every field on spans under its convention name (or genai_app.*), and free-form keys by the namespace rule', () => {
    const attrs = withGenAIContext(FULL, () => llmCall());
    expect(attrs).toEqual({ ...FULL_SPAN_ATTRIBUTES, 'gen_ai.operation.name': 'chat' });
    expect(warnings).toEqual([]);
  });

  it('metrics get only prompt name, prompt version and environment, and nothing when switched off', () => {
    withGenAIContext(FULL, () => {
      const metadata = getGenAIContext();
      expect(contextMetricAttributes(metadata, true)).toEqual({
        'gen_ai.prompt.name': 'support-answer',
        'gen_ai.prompt.version': '7',
        'deployment.environment.name': 'production',
      });
      expect(contextMetricAttributes(metadata, false)).toEqual({});
    });
    expect(contextMetricAttributes(undefined, true)).toEqual({});
  });

  it('ids never reach metrics, even alone', () => {
    withGenAIContext({ conversationId: 'c', userId: 'u', tenantId: 't', attributes: { team: 'x' } }, () => {
      expect(contextMetricAttributes(getGenAIContext(), true)).toEqual({});
    });
  });

  it('never invents a conversation id: only the fields given are set', () => {
    expect(withGenAIContext({ userId: 'u' }, () => llmCall())).toEqual({ 'user.id': 'u', 'gen_ai.operation.name': 'chat' });
    expect(withGenAIContext({}, () => llmCall())).toEqual({ 'gen_ai.operation.name': 'chat' });
  });

  it('outside any GenAI context there is nothing', () => {
    expect(getGenAIContext()).toBeUndefined();
    expect(contextSpanAttributes(undefined)).toEqual({});
    expect(llmCall()).toEqual({ 'gen_ai.operation.name': 'chat' });
  });

  it('the GenAI context metadata is immutable: a later change to the app objects does not leak into it', () => {
    const attributes = { team: 'a', tags: ['x'] };
    const metadata: GenAIContextMetadata = { userId: 'u', attributes };
    withGenAIContext(metadata, () => {
      metadata.userId = 'changed';
      attributes.team = 'changed';
      attributes.tags.push('y');
      const effective = getGenAIContext()!;
      expect(Object.isFrozen(effective)).toBe(true);
      expect(Object.isFrozen(effective.spanAttributes)).toBe(true);
      expect(effective.spanAttributes).toEqual({ 'genai_app.team': 'a', 'genai_app.tags': ['x'], 'user.id': 'u' });
    });
  });
});

describe('propagation', () => {
  it('survives awaits, timers and immediates, and ends with the GenAI context', async () => {
    const seen: Attributes[] = [];
    await withGenAIContext({ conversationId: 'c1', promptName: 'p' }, async () => {
      await Promise.resolve();
      seen.push(llmCall('after await'));
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(llmCall('in timer'));
          resolve();
        }, 1),
      );
      await new Promise<void>((resolve) => setImmediate(() => (seen.push(llmCall('in immediate')), resolve())));
    });
    const expected = { 'gen_ai.conversation.id': 'c1', 'gen_ai.prompt.name': 'p', 'gen_ai.operation.name': 'chat' };
    expect(seen).toEqual([expected, expected, expected]);
    expect(getGenAIContext()).toBeUndefined();
  });

  it('a timer scheduled in the GenAI context fires in it after withGenAIContext returned', async () => {
    const fired = new Promise<Attributes>((resolve) => {
      withGenAIContext({ tenantId: 't1' }, () => {
        setTimeout(() => resolve(llmCall('late')), 5);
      });
    });
    expect(getGenAIContext()).toBeUndefined();
    expect(await fired).toEqual({ 'genai_app.tenant.id': 't1', 'gen_ai.operation.name': 'chat' });
  });

  it('an async generator returned inside the GenAI context runs in it when consumed after withGenAIContext returned', async () => {
    async function* agentSteps() {
      yield llmCall('step 1');
      await new Promise((r) => setTimeout(r, 1));
      yield llmCall('step 2');
    }
    const steps = withGenAIContext({ conversationId: 'c2' }, () => agentSteps());
    // Consumed here, outside that GenAI context, in another one even.
    const got: Attributes[] = [];
    await withGenAIContext({ conversationId: 'other', userId: 'u' }, async () => {
      for await (const attrs of steps) got.push(attrs);
    });
    expect(got).toEqual([
      { 'gen_ai.conversation.id': 'c2', 'gen_ai.operation.name': 'chat' },
      { 'gen_ai.conversation.id': 'c2', 'gen_ai.operation.name': 'chat' },
    ]);
  });

  it('a bound generator keeps the iterator protocol: break reaches the source, errors pass through', async () => {
    let cleanedUp = false;
    async function* source() {
      try {
        yield 1;
        yield 2;
        throw new Error('boom');
      } finally {
        cleanedUp = true;
      }
    }
    const broken = withGenAIContext({ userId: 'u' }, () => source());
    for await (const v of broken) {
      expect(v).toBe(1);
      break;
    }
    expect(cleanedUp).toBe(true);

    const failing = withGenAIContext({ userId: 'u' }, () => source());
    const values: number[] = [];
    await expect(
      (async () => {
        for await (const v of failing) values.push(v);
      })(),
    ).rejects.toThrow('boom');
    expect(values).toEqual([1, 2]);
  });

  it('a stream started in the GenAI context and consumed later carries the attributes it got at start', async () => {
    // What the lead's wiring gives an LLM stream: attributes read when the span starts, span ended later.
    const stream = withGenAIContext({ promptName: 'p', userId: 'u' }, () => {
      const span = tracer.startSpan('chat stream', { attributes: { ...contextSpanAttributes(getGenAIContext()) } });
      return (async function* () {
        yield 'a';
        span.end();
      })();
    });
    for await (const _ of stream) void _;
    expect(spanAttrs('chat stream')).toEqual({ 'gen_ai.prompt.name': 'p', 'user.id': 'u' });
  });

  it('passes thisArg and arguments, and returns what fn returns (a promise unchanged, by identity)', () => {
    const self = { factor: 3 };
    const result = withGenAIContext({ userId: 'u' }, function (this: typeof self, a: number, b: number) {
      return this.factor * (a + b);
    }, self, 1, 2);
    expect(result).toBe(9);
    const promise = Promise.resolve('x');
    expect(withGenAIContext({ userId: 'u' }, () => promise)).toBe(promise);
  });

  it('an error thrown by fn propagates unchanged and the GenAI context is left', () => {
    const error = new Error('app');
    expect(() => withGenAIContext({ userId: 'u' }, () => { throw error; })).toThrow(error);
    expect(getGenAIContext()).toBeUndefined();
  });
});

describe('nesting', () => {
  it('merges with the outer GenAI context: inner wins field by field and attribute by attribute; the outer one returns after', () => {
    withGenAIContext(
      { conversationId: 'outer-c', promptName: 'outer-p', userId: 'u', attributes: { team: 'a', keep: true } },
      () => {
        const inner = withGenAIContext({ promptName: 'inner-p', promptVersion: '2', attributes: { team: 'b' } }, () => llmCall('inner'));
        expect(inner).toEqual({
          'genai_app.team': 'b',
          'genai_app.keep': true,
          'gen_ai.conversation.id': 'outer-c',
          'gen_ai.prompt.name': 'inner-p',
          'gen_ai.prompt.version': '2',
          'user.id': 'u',
          'gen_ai.operation.name': 'chat',
        });
        expect(llmCall('outer-again')).toEqual({
          'genai_app.team': 'a',
          'genai_app.keep': true,
          'gen_ai.conversation.id': 'outer-c',
          'gen_ai.prompt.name': 'outer-p',
          'user.id': 'u',
          'gen_ai.operation.name': 'chat',
        });
      },
    );
  });

  it('an invalid inner value does not erase the outer one', () => {
    withGenAIContext({ userId: 'u' }, () => {
      withGenAIContext({ userId: NaN }, () => {
        expect(getGenAIContext()!.userId).toBe('u');
      });
    });
    expect(warnings).toHaveLength(1);
  });
});

describe('setGenAIContext / deleteGenAIContext (frameworks that cannot wrap a function)', () => {
  it('returns a new Context to activate; the given one is unchanged', () => {
    const base = context.active();
    const ctx = setGenAIContext(base, { tenantId: 't', environment: 'staging' });
    expect(getGenAIContext(base)).toBeUndefined();
    expect(getGenAIContext(ctx)!.spanAttributes).toEqual({ 'genai_app.tenant.id': 't', 'deployment.environment.name': 'staging' });
    expect(context.with(ctx, () => llmCall())).toEqual({
      'genai_app.tenant.id': 't',
      'deployment.environment.name': 'staging',
      'gen_ai.operation.name': 'chat',
    });
  });

  it('merges over the GenAI context metadata already in the given context', () => {
    const outer = setGenAIContext(ROOT_CONTEXT, { userId: 'u', promptName: 'a' });
    const inner = setGenAIContext(outer, { promptName: 'b' });
    expect(getGenAIContext(inner)!.spanAttributes).toEqual({ 'user.id': 'u', 'gen_ai.prompt.name': 'b' });
  });

  it('deleteGenAIContext drops the metadata, keeping the rest of the context (the active span)', () => {
    const span = tracer.startSpan('parent');
    const ctx = setGenAIContext(trace.setSpan(ROOT_CONTEXT, span), { userId: 'u' });
    const cleared = deleteGenAIContext(ctx);
    expect(getGenAIContext(cleared)).toBeUndefined();
    expect(trace.getSpan(cleared)).toBe(span);
    span.end();
  });

  it('a non-Context first argument warns and falls back to the active context', () => {
    const ctx = withGenAIContext({ userId: 'u' }, () => setGenAIContext({ tenantId: 't' } as never, { promptName: 'p' }));
    expect(getGenAIContext(ctx)!.spanAttributes).toEqual({ 'user.id': 'u', 'gen_ai.prompt.name': 'p' });
    expect(warnings).toEqual([expect.stringContaining('is not a Context')]);
  });
});

describe('capture mode override', () => {
  it('no GenAI context, or one without an override: the default', () => {
    expect(contextCaptureMode(context.active(), 'SPAN_ONLY')).toBe('SPAN_ONLY');
    withGenAIContext({ userId: 'u' }, () => expect(contextCaptureMode(context.active(), 'EVENT_ONLY')).toBe('EVENT_ONLY'));
  });

  it('false turns capture off, true means SPAN_ONLY, mode names in any case', () => {
    const mode = (captureMessageContent: GenAIContextMetadata['captureMessageContent']) =>
      withGenAIContext({ captureMessageContent }, () => contextCaptureMode(context.active(), 'SPAN_AND_EVENT'));
    expect(mode(false)).toBe('NO_CONTENT');
    expect(mode(true)).toBe('SPAN_ONLY');
    expect(mode('event_only' as never)).toBe('EVENT_ONLY');
    expect(withGenAIContext({ captureMessageContent: 'SPAN_ONLY' }, () => contextCaptureMode(context.active(), 'NO_CONTENT'))).toBe(
      'SPAN_ONLY',
    );
  });

  it('is inherited by inner GenAI contexts and overridden by an inner override', () => {
    withGenAIContext({ tenantId: 'private', captureMessageContent: false }, () => {
      withGenAIContext({ userId: 'u' }, () => expect(contextCaptureMode(context.active(), 'SPAN_ONLY')).toBe('NO_CONTENT'));
      withGenAIContext({ captureMessageContent: 'EVENT_ONLY' }, () =>
        expect(contextCaptureMode(context.active(), 'SPAN_ONLY')).toBe('EVENT_ONLY'),
      );
    });
  });

  it('an invalid override warns and is ignored (it never turns capture on)', () => {
    withGenAIContext({ captureMessageContent: false }, () => {
      withGenAIContext({ captureMessageContent: 'yes please' as never }, () =>
        expect(contextCaptureMode(context.active(), 'SPAN_ONLY')).toBe('NO_CONTENT'),
      );
    });
    withGenAIContext({ captureMessageContent: 1 as never }, () =>
      expect(contextCaptureMode(context.active(), 'NO_CONTENT')).toBe('NO_CONTENT'),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"yes please"');
  });

  it('the override is not a span attribute', () => {
    expect(withGenAIContext({ captureMessageContent: false, userId: 'u' }, () => llmCall())).toEqual({
      'user.id': 'u',
      'gen_ai.operation.name': 'chat',
    });
  });
});

describe('numbers: ids and the prompt version may be numbers, recorded as strings', () => {
  it('a numeric prompt version, conversation, user and tenant id are recorded (and the version goes on metrics)', () => {
    const attrs = withGenAIContext({ promptName: 'p', promptVersion: 2, conversationId: 1234567, userId: 42, tenantId: 7n }, () => {
      expect(contextMetricAttributes(getGenAIContext(), true)).toEqual({ 'gen_ai.prompt.name': 'p', 'gen_ai.prompt.version': '2' });
      return llmCall();
    });
    expect(attrs).toEqual({
      'gen_ai.prompt.name': 'p',
      'gen_ai.prompt.version': '2',
      'gen_ai.conversation.id': '1234567',
      'user.id': '42',
      'genai_app.tenant.id': '7',
      'gen_ai.operation.name': 'chat',
    });
    expect(warnings).toEqual([]);
    expect(nodeWarnings).toEqual([]);
  });

  it.each([
    [0, '0'],
    [1.5, '1.5'],
    [-3, '-3'],
  ])('prompt version %p is recorded as %j', (version, recorded) => {
    expect(withGenAIContext({ promptVersion: version }, () => llmCall())['gen_ai.prompt.version']).toBe(recorded);
  });

  it('setGenAIContext takes numbers too', () => {
    const ctx = setGenAIContext(ROOT_CONTEXT, { promptVersion: 3, userId: 9 });
    expect(getGenAIContext(ctx)).toMatchObject({ promptVersion: '3', userId: '9' });
  });
});

/** The Node warning for a metadata problem, exactly. */
const METADATA_WARNING = (problem: string) => `opentelemetry-instrumentation-genai: GenAI context metadata ${problem}.`;

describe('invalid input: not recorded, warned about (visibly once per field), never thrown', () => {
  it('unusable ids and names are left out one by one, each named in a Node warning', () => {
    const attrs = withGenAIContext(
      {
        conversationId: { id: 123 } as never,
        userId: NaN,
        tenantId: '' as never,
        promptName: 2 as never,
        promptVersion: Infinity,
        environment: true as never,
      },
      () => llmCall(),
    );
    expect(attrs).toEqual({ 'gen_ai.operation.name': 'chat' });
    expect(nodeWarnings).toEqual([
      METADATA_WARNING('conversationId must be a non-empty string or a finite number, got an object; it is not recorded'),
      METADATA_WARNING('promptName must be a non-empty string, got a number; it is not recorded'),
      METADATA_WARNING('promptVersion must be a non-empty string or a finite number, got Infinity; it is not recorded'),
      METADATA_WARNING('userId must be a non-empty string or a finite number, got NaN; it is not recorded'),
      METADATA_WARNING('tenantId must be a non-empty string or a finite number, got an empty string; it is not recorded'),
      METADATA_WARNING('environment must be a non-empty string, got a boolean; it is not recorded'),
    ]);
    expect(warnings).toEqual(nodeWarnings);
    // The app's values are not echoed into diagnostics (they may be personal data).
    expect(warnings.join('\n')).not.toContain('123');
  });

  it('a field keeps failing: diag every time, the Node warning once', () => {
    for (let i = 0; i < 3; i++) withGenAIContext({ promptVersion: { v: 2 } as never }, () => llmCall());
    withGenAIContext({ userId: [1] as never }, () => llmCall());
    expect(nodeWarnings).toEqual([
      METADATA_WARNING('promptVersion must be a non-empty string or a finite number, got an object; it is not recorded'),
      METADATA_WARNING('userId must be a non-empty string or a finite number, got an array; it is not recorded'),
    ]);
    expect(warnings).toHaveLength(4);
  });

  it('an unreadable capture override is named in a Node warning (the GenAI context keeps the mode it inherited)', () => {
    const mode = withGenAIContext({ captureMessageContent: 'NO_CONTENT' }, () =>
      withGenAIContext({ captureMessageContent: 'none' as never }, () => contextCaptureMode(context.active(), 'SPAN_ONLY')),
    );
    expect(mode).toBe('NO_CONTENT');
    expect(nodeWarnings).toEqual([
      METADATA_WARNING(
        'captureMessageContent "none" is not a boolean or one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT (any case, - for _); ' +
          'the GenAI context keeps the capture mode it inherited',
      ),
    ]);
  });

  it('null and undefined fields are simply absent', () => {
    expect(withGenAIContext({ userId: null as never, conversationId: undefined }, () => llmCall())).toEqual({
      'gen_ai.operation.name': 'chat',
    });
    expect(warnings).toEqual([]);
  });

  it.each([null, undefined, 'user-1', 42, ['u']])('metadata %p: fn still runs, in the unchanged context', (metadata) => {
    const result = withGenAIContext({ userId: 'outer' }, () => withGenAIContext(metadata as never, () => llmCall()));
    expect(result).toEqual({ 'user.id': 'outer', 'gen_ai.operation.name': 'chat' });
    expect(warnings).toEqual([expect.stringContaining('metadata must be an object')]);
  });

  it('free-form attributes: invalid values, gen_ai keys and a non-object are dropped, valid ones kept', () => {
    const attrs = withGenAIContext(
      {
        attributes: {
          ok: 'yes',
          nested: { a: 1 } as never,
          mixed: ['a', 1] as never,
          fn: (() => 1) as never,
          'gen_ai.request.model': 'forged',
          '': 'empty',
          sparse: ['a', null, 'b'] as never,
          nothing: undefined as never,
        },
      },
      () => llmCall(),
    );
    expect(attrs).toEqual({ 'genai_app.ok': 'yes', 'genai_app.sparse': ['a', null, 'b'], 'gen_ai.operation.name': 'chat' });
    expect(warnings).toHaveLength(5);
    // One Node warning for the field, naming the first key it could not record (keys are the app's names, not data).
    expect(nodeWarnings).toEqual([METADATA_WARNING('attribute "nested" has an invalid value (an object); it is not recorded')]);

    warnings.length = 0;
    expect(withGenAIContext({ attributes: 'team=a' as never, userId: 'u' }, () => llmCall())).toEqual({
      'user.id': 'u',
      'gen_ai.operation.name': 'chat',
    });
    expect(warnings).toEqual([expect.stringContaining('attributes must be an object')]);
  });

  it('throwing getters and proxies do not break the app', () => {
    const metadata = {
      userId: 'u',
      get tenantId(): string {
        throw new Error('getter');
      },
      attributes: new Proxy({}, { ownKeys: () => { throw new Error('trap'); } }),
    };
    expect(withGenAIContext(metadata as never, () => llmCall())).toEqual({ 'user.id': 'u', 'gen_ai.operation.name': 'chat' });
    expect(warnings).toHaveLength(2);
  });
});
