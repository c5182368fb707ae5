/*
 * Which redaction applies: the built-in detector kinds (OTEL_INSTRUMENTATION_GENAI_REDACT wins over the
 * `detectors` option, default secrets + iban + cards), the app's custom patterns, and its hook. Unreadable
 * settings get one diag warning each and never turn redaction off.
 */
import { diag } from '@opentelemetry/api';
import { rulesFor } from './detectors';
import type { Rule } from './rule';
import { compileRules, type CompiledRule } from './scan';
import {
  DEFAULT_DETECTOR_KINDS,
  DETECTOR_KINDS,
  type DetectorKind,
  type RedactionConfig,
  type RedactionHook,
  type RedactionPattern,
} from './types';

export const REDACT_ENV = 'OTEL_INSTRUMENTATION_GENAI_REDACT';

const PREFIX = 'opentelemetry-instrumentation-genai:';

/** The redaction resolved from the option and the environment: what the redactor is built from. */
export interface RedactionSettings {
  kinds: DetectorKind[];
  /** Built-in rules of `kinds`, then the custom patterns, in priority order. */
  rules: CompiledRule[];
  hook?: RedactionHook;
}

/**
 * Parses a list of kind names (`secrets`, `iban`, `cards`, `email`, `phone`, `ip`, `national_id`, `all`, `none`;
 * any case, `-` for `_`). The result is the union of the listed kinds; `none` adds nothing, so `none`
 * alone means no built-in detector. Unknown names get one warning each and are ignored. Returns undefined
 * when no name was recognised.
 */
export function parseDetectorKinds(tokens: readonly unknown[], source: string): Set<DetectorKind> | undefined {
  const kinds = new Set<DetectorKind>();
  let recognised = false;
  for (const token of tokens) {
    const name = typeof token === 'string' ? token.trim().toLowerCase().replace(/-/g, '_') : undefined;
    if (name === '') continue;
    if (name === 'all') {
      for (const k of DETECTOR_KINDS) kinds.add(k);
      recognised = true;
    } else if (name === 'none') {
      recognised = true;
    } else if (name !== undefined && (DETECTOR_KINDS as readonly string[]).includes(name)) {
      kinds.add(name as DetectorKind);
      recognised = true;
    } else {
      diag.warn(
        `${PREFIX} ${source}: ${JSON.stringify(token)} is not one of ${DETECTOR_KINDS.join(', ')}, all, none; ignored.`,
      );
    }
  }
  return recognised ? kinds : undefined;
}

/** Kinds in priority order (the order of DETECTOR_KINDS). */
const ordered = (kinds: ReadonlySet<DetectorKind>) => DETECTOR_KINDS.filter((k) => kinds.has(k));

export function resolveDetectorKinds(
  configValue: RedactionConfig['detectors'],
  env: NodeJS.ProcessEnv = process.env,
): DetectorKind[] {
  const raw = env[REDACT_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const kinds = parseDetectorKinds(raw.split(','), REDACT_ENV);
    if (kinds) return ordered(kinds);
    diag.warn(`${PREFIX} ${REDACT_ENV}=${JSON.stringify(raw)} names no detector; using the redaction option or the default.`);
  }
  if (configValue !== undefined) {
    const tokens: unknown[] = Array.isArray(configValue)
      ? configValue
      : typeof configValue === 'string'
        ? configValue.split(',')
        : [configValue];
    // An empty list means no built-in detector, like 'none'.
    if (tokens.length === 0) return [];
    const kinds = parseDetectorKinds(tokens, 'redaction.detectors');
    if (kinds) return ordered(kinds);
    diag.warn(`${PREFIX} redaction.detectors names no detector; using the default (${DEFAULT_DETECTOR_KINDS.join(', ')}).`);
  }
  return [...DEFAULT_DETECTOR_KINDS];
}

/** `[REDACTED:<NAME>]` from a pattern name: upper case, [A-Z0-9_] only. */
export function markerFor(name: string): string {
  const tag = String(name)
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `[REDACTED:${tag || 'CUSTOM'}]`;
}

/** Compiles custom patterns into rules; an unusable one gets a warning and is skipped. */
export function customRules(patterns: readonly RedactionPattern[] | undefined): Rule[] {
  const rules: Rule[] = [];
  if (!Array.isArray(patterns)) return rules;
  patterns.forEach((p: RedactionPattern | undefined, i) => {
    const name = p && typeof p.name === 'string' && p.name !== '' ? p.name : `pattern ${i}`;
    try {
      if (!p || (typeof p.pattern !== 'string' && !(p.pattern instanceof RegExp))) {
        throw new Error('pattern is neither a RegExp nor a string');
      }
      const re =
        p.pattern instanceof RegExp
          ? new RegExp(p.pattern.source, p.pattern.flags.replace(/[gy]/g, '') + 'g')
          : new RegExp(p.pattern, 'g');
      const marker = typeof p.marker === 'string' ? p.marker : markerFor(name);
      rules.push({ id: `custom:${name}`, kind: 'custom', marker, re });
    } catch (err) {
      diag.warn(`${PREFIX} redaction.patterns: ${JSON.stringify(name)} is unusable (${(err as Error)?.message}); skipped.`);
    }
  });
  return rules;
}

export function resolveRedactionSettings(config: RedactionConfig | undefined, env: NodeJS.ProcessEnv = process.env): RedactionSettings {
  const kinds = resolveDetectorKinds(config?.detectors, env);
  const rules = compileRules([...rulesFor(new Set(kinds)), ...customRules(config?.patterns)]);
  let hook: RedactionHook | undefined;
  if (config?.hook !== undefined) {
    if (typeof config.hook === 'function') hook = config.hook;
    else diag.warn(`${PREFIX} redaction.hook is not a function; ignored.`);
  }
  return { kinds, rules, hook };
}
