/*
 * Content capture setting: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT and the
 * captureMessageContent option. Every accepted spelling, precedence, and the rule that an unreadable
 * setting means no content with exactly one diag warning.
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

beforeEach(() => {
  diag.disable();
  diag.setLogger(testLogger(), { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  captured = [];
});
afterEach(() => {
  diag.disable();
});

const MODES: CaptureMode[] = ['NO_CONTENT', 'SPAN_ONLY', 'EVENT_ONLY', 'SPAN_AND_EVENT'];

describe('parseCaptureMode', () => {
  it.each(MODES.flatMap((m) => [m, m.toLowerCase(), m[0] + m.slice(1).toLowerCase(), `  ${m}\t`, `\n${m.toLowerCase()} `]).map((s) => [s]))(
    'accepts %j',
    (spelling) => {
      expect(parseCaptureMode(spelling)).toBe(spelling.trim().toUpperCase());
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

  it.each([['yes'], ['1'], ['0'], ['on'], [''], ['   '], ['span-only'], ['SPANONLY'], ['SPAN_ONLY_X'], ['NO CONTENT'], ['"SPAN_ONLY"']])(
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

  it.each([['yes'], ['1'], ['span-only'], ['all']])(
    'an invalid env value %j means NO_CONTENT (even if config asks for content), with exactly one warning',
    (value) => {
      expect(resolveCaptureMode('SPAN_AND_EVENT', env(value))).toBe('NO_CONTENT');
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.level).toBe('warn');
      expect(warnings()[0]!.message).toContain(CAPTURE_CONTENT_ENV);
      expect(warnings()[0]!.message).toContain(JSON.stringify(value));
    },
  );

  it.each([['yes'], [1], [{}], [null], ['']])('an invalid config value %p means NO_CONTENT with exactly one warning', (value) => {
    expect(resolveCaptureMode(value, env())).toBe('NO_CONTENT');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.message).toContain('captureMessageContent');
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

  it('an invalid env value warns once per resolution, not once per call', () => {
    process.env[CAPTURE_CONTENT_ENV] = 'maybe';
    const inst = new OpenAIInstrumentation({ enabled: false, captureMessageContent: true });
    captured = [];
    for (let i = 0; i < 5; i++) expect(inst.captureMode).toBe('NO_CONTENT');
    expect(warnings().filter((w) => w.message.includes(CAPTURE_CONTENT_ENV))).toHaveLength(1);
  });
});
