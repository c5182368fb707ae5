/*
 * Content capture setting: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT and the
 * captureMessageContent option. Every accepted spelling, precedence, and the rules for an unreadable
 * setting: an env value is ignored (the option decides), an option means no content; each says so with a
 * diag warning and, once per value and process, a Node warning (visible without OTEL_LOG_LEVEL).
 */
import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import {
  CAPTURE_CONTENT_ENV,
  type CaptureMode,
  capturesOnEvent,
  capturesOnSpan,
  parseCaptureMode,
  resolveCaptureMode,
} from '../../src/core/content-mode';
import { forgetUserWarnings } from '../../src/core/user-warning';
import { OpenAIInstrumentation } from '../../src';

interface Captured {
  level: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  message: string;
}

let captured: Captured[] = [];

function testLogger(): DiagLogger {
  const at = (level: Captured['level']) => (message: string) => void captured.push({ level, message });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') };
}

const warnings = () => captured.filter((c) => c.level === 'warn' || c.level === 'error');

/** The Node warnings emitted (message and code). */
let nodeWarnings: Array<{ message: string; code?: string }> = [];

beforeEach(() => {
  diag.disable();
  diag.setLogger(testLogger(), { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  captured = [];
  nodeWarnings = [];
  forgetUserWarnings();
  jest.spyOn(process, 'emitWarning').mockImplementation(((message: string | Error, options?: { code?: string }) => {
    nodeWarnings.push({ message: String(message), code: options?.code });
  }) as typeof process.emitWarning);
});
afterEach(() => {
  diag.disable();
  jest.restoreAllMocks();
});

const ENV_WARNING = (value: string) =>
  `opentelemetry-instrumentation-genai: ${CAPTURE_CONTENT_ENV}=${JSON.stringify(value)} is not one of NO_CONTENT, SPAN_ONLY, ` +
  'EVENT_ONLY, SPAN_AND_EVENT (any case, - for _), true or false; it is ignored: the captureMessageContent option applies ' +
  '(no content where it is not set).';
const OPTION_WARNING = (shown: string) =>
  `opentelemetry-instrumentation-genai: captureMessageContent ${shown} is not a boolean or one of NO_CONTENT, SPAN_ONLY, ` +
  'EVENT_ONLY, SPAN_AND_EVENT (any case, - for _); message content is not captured.';

const MODES: CaptureMode[] = ['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'];

describe('parseCaptureMode', () => {
  it.each(MODES.flatMap((m) => [m, m.toLowerCase(), m[0] + m.slice(1).toLowerCase(), `  ${m}\t`, `\n${m.toLowerCase()} `]).map((s) => [s]))(
    'accepts %j',
    (spelling) => {
      expect(parseCaptureMode(spelling)).toBe(spelling.trim().toUpperCase());
    },
  );

  it.each([['span-only', 'SPAN_ONLY'], ['Event-Only', 'EVENT_ONLY'], [' span-and-event ', 'SPAN_AND_EVENT'], ['NO-CONTENT', 'NO_CONTENT'], ['span-and_event', 'SPAN_AND_EVENT']])(
    '%j (- for _) is %s',
    (spelling, mode) => {
      expect(parseCaptureMode(spelling)).toBe(mode);
    },
  );

  it.each([['true'], ['TRUE'], ['True'], [' true '], ['tRuE\n']])('%j means SPAN_ONLY', (s) => {
    expect(parseCaptureMode(s)).toBe('SPAN_ONLY');
  });

  it.each([['false'], ['FALSE'], ['False'], ['  false\t']])('%j means NO_CONTENT', (s) => {
    expect(parseCaptureMode(s)).toBe('NO_CONTENT');
  });

  it('booleans: true is SPAN_ONLY, false is NO_CONTENT', () => {
    expect(parseCaptureMode(true)).toBe('SPAN_ONLY');
    expect(parseCaptureMode(false)).toBe('NO_CONTENT');
  });

  it.each([['yes'], ['1'], ['0'], ['on'], [''], ['   '], ['SPAN_AND_EVENTS'], ['SPANONLY'], ['SPAN_ONLY_X'], ['NO CONTENT'], ['span--only'], ['"SPAN_ONLY"']])(
    'rejects the string %j',
    (s) => {
      expect(parseCaptureMode(s)).toBeUndefined();
    },
  );

  it.each([[undefined], [null], [1], [0], [{}], [['SPAN_ONLY']], [Symbol('x')]])('rejects the non-string %p', (v) => {
    expect(parseCaptureMode(v)).toBeUndefined();
  });

  it('does not warn by itself', () => {
    parseCaptureMode('nonsense');
    expect(captured).toEqual([]);
  });
});

describe('resolveCaptureMode', () => {
  const env = (value?: string): NodeJS.ProcessEnv => (value === undefined ? {} : { [CAPTURE_CONTENT_ENV]: value });

  it('defaults to NO_CONTENT with no env and no config, silently', () => {
    expect(resolveCaptureMode(undefined, env())).toBe('NO_CONTENT');
    expect(captured).toEqual([]);
  });

  it.each(MODES.map((m) => [m]))('env %s is used', (m) => {
    expect(resolveCaptureMode(undefined, env(m.toLowerCase()))).toBe(m);
    expect(captured).toEqual([]);
  });

  it('env wins over config, in both directions', () => {
    expect(resolveCaptureMode('SPAN_AND_EVENT', env('no_content'))).toBe('NO_CONTENT');
    expect(resolveCaptureMode(false, env('event_only'))).toBe('EVENT_ONLY');
    expect(resolveCaptureMode(true, env('false'))).toBe('NO_CONTENT');
    expect(resolveCaptureMode('NO_CONTENT', env('TRUE'))).toBe('SPAN_ONLY');
    expect(captured).toEqual([]);
  });

  it.each([[''], ['   '], ['\t\n']])('an empty env value %j counts as unset: config decides', (value) => {
    expect(resolveCaptureMode('EVENT_ONLY', env(value))).toBe('EVENT_ONLY');
    expect(resolveCaptureMode(true, env(value))).toBe('SPAN_ONLY');
    expect(resolveCaptureMode(undefined, env(value))).toBe('NO_CONTENT');
    expect(captured).toEqual([]);
  });

  it.each([['SPAN_AND_EVENTS'], ['0'], ['yes'], ['all']])(
    'an invalid env value %j is ignored: a valid option still applies; one diag and one Node warning say so',
    (value) => {
      expect(resolveCaptureMode('SPAN_AND_EVENT', env(value))).toBe('SPAN_AND_EVENT');
      expect(warnings()).toEqual([{ level: 'warn', message: ENV_WARNING(value) }]);
      expect(nodeWarnings).toEqual([{ message: ENV_WARNING(value), code: 'OTEL_GENAI_CAPTURE_SETTING' }]);
    },
  );

  it('an invalid env value never turns capture on: without an option, no content', () => {
    expect(resolveCaptureMode(undefined, env('1'))).toBe('NO_CONTENT');
    expect(resolveCaptureMode(false, env('SPAN_AND_EVENTS'))).toBe('NO_CONTENT');
  });

  it('an invalid env value and an invalid option: no content, a warning for each', () => {
    expect(resolveCaptureMode('sometimes', env('0'))).toBe('NO_CONTENT');
    expect(nodeWarnings.map((w) => w.message)).toEqual([ENV_WARNING('0'), OPTION_WARNING('"sometimes"')]);
  });

  it('the Node warning is printed once per distinct value; diag has every resolution', () => {
    for (let i = 0; i < 3; i++) resolveCaptureMode(true, env('span_events'));
    resolveCaptureMode(true, env('0'));
    expect(nodeWarnings.map((w) => w.message)).toEqual([ENV_WARNING('span_events'), ENV_WARNING('0')]);
    expect(warnings()).toHaveLength(4);
  });

  it.each([
    ['yes', '"yes"'],
    [1, '1'],
    [{}, '(an object)'],
    [null, 'null'],
    ['', '""'],
  ] as const)('an invalid config value %p means NO_CONTENT, with one diag and one Node warning', (value, shown) => {
    expect(resolveCaptureMode(value, env())).toBe('NO_CONTENT');
    expect(warnings()).toEqual([{ level: 'warn', message: OPTION_WARNING(shown) }]);
    expect(nodeWarnings).toEqual([{ message: OPTION_WARNING(shown), code: 'OTEL_GENAI_CAPTURE_SETTING' }]);
  });

  it('an invalid config value is not looked at while a valid env value decides', () => {
    expect(resolveCaptureMode('sometimes', env('EVENT_ONLY'))).toBe('EVENT_ONLY');
    expect(captured).toEqual([]);
    expect(nodeWarnings).toEqual([]);
  });

  it.each([
    [true, 'SPAN_ONLY'],
    [false, 'NO_CONTENT'],
    ['span_and_event', 'SPAN_AND_EVENT'],
    [' Event_Only ', 'EVENT_ONLY'],
  ] as const)('config %p gives %s', (value, mode) => {
    expect(resolveCaptureMode(value, env())).toBe(mode);
    expect(captured).toEqual([]);
  });

  it('reads process.env by default', () => {
    const saved = process.env[CAPTURE_CONTENT_ENV];
    try {
      process.env[CAPTURE_CONTENT_ENV] = 'span_only';
      expect(resolveCaptureMode(undefined)).toBe('SPAN_ONLY');
      delete process.env[CAPTURE_CONTENT_ENV];
      expect(resolveCaptureMode(undefined)).toBe('NO_CONTENT');
    } finally {
      if (saved === undefined) delete process.env[CAPTURE_CONTENT_ENV];
      else process.env[CAPTURE_CONTENT_ENV] = saved;
    }
  });
});

describe('capturesOnSpan / capturesOnEvent', () => {
  it.each([
    ['NO_CONTENT', false, false],
    ['SPAN_ONLY', true, false],
    ['EVENT_ONLY', false, true],
    ['SPAN_AND_EVENT', true, true],
  ] as const)('%s: span %p, event %p', (mode, span, event) => {
    expect(capturesOnSpan(mode)).toBe(span);
    expect(capturesOnEvent(mode)).toBe(event);
  });
});

describe('the instrumentation resolves the mode from env and config', () => {
  const saved = process.env[CAPTURE_CONTENT_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[CAPTURE_CONTENT_ENV];
    else process.env[CAPTURE_CONTENT_ENV] = saved;
  });

  it('config option, then setConfig re-resolves', () => {
    delete process.env[CAPTURE_CONTENT_ENV];
    const inst = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });
    expect(inst.captureMode).toBe('SPAN_ONLY');
    inst.setConfig({ enabled: false, captureMessageContent: 'EVENT_ONLY' });
    expect(inst.captureMode).toBe('EVENT_ONLY');
    inst.setConfig({ enabled: false });
    expect(inst.captureMode).toBe('NO_CONTENT');
  });

  it('env wins over the option', () => {
    process.env[CAPTURE_CONTENT_ENV] = 'NO_CONTENT';
    const inst = new OpenAIInstrumentation({ enabled: false, captureMessageContent: 'SPAN_AND_EVENT' });
    expect(inst.captureMode).toBe('NO_CONTENT');
  });

  it('an invalid env value: the option applies; diag once per resolution (not per call), one Node warning per process', () => {
    process.env[CAPTURE_CONTENT_ENV] = 'maybe';
    const inst = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });
    captured = [];
    for (let i = 0; i < 5; i++) expect(inst.captureMode).toBe('SPAN_ONLY');
    expect(warnings().filter((w) => w.message.includes(CAPTURE_CONTENT_ENV))).toHaveLength(1);
    // Another instrumentation (getGenAIInstrumentations makes five) resolves the same value: no second line.
    expect(new OpenAIInstrumentation({ enabled: false }).captureMode).toBe('NO_CONTENT');
    expect(nodeWarnings).toEqual([{ message: ENV_WARNING('maybe'), code: 'OTEL_GENAI_CAPTURE_SETTING' }]);
  });
});
