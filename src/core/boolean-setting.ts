/*
 * A true/false setting that has an env var and an option: the env var wins when it is set and readable
 * (`true` / `false`, any case, spaces ignored); an unreadable value gets one diag warning saying what is
 * done instead, and means the default.
 */
import { diag } from '@opentelemetry/api';

export interface BooleanSetting {
  readonly envName: string;
  readonly optionName: string;
  readonly defaultValue: boolean;
  /** What the default means, for the warning: "inline binary will not be captured". */
  readonly defaultMeans: string;
}

export function resolveBooleanSetting(setting: BooleanSetting, optionValue: unknown, envValue: string | undefined): boolean {
  const raw = envValue?.trim();
  if (raw) {
    const text = raw.toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    diag.warn(`${setting.envName}=${JSON.stringify(envValue)} is not true or false; ${setting.defaultMeans}.`);
    return setting.defaultValue;
  }
  if (optionValue === undefined) return setting.defaultValue;
  if (typeof optionValue === 'boolean') return optionValue;
  diag.warn(`${setting.optionName}=${describeValue(optionValue)} is not a boolean; ${setting.defaultMeans}.`);
  return setting.defaultValue;
}

/** A configured value as the warning shows it (JSON where it can be). */
export function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
