/*
 * Providers' stop reasons → the conventions' finish reasons (`stop`, `length`, `content_filter`,
 * `tool_call`, `error`). A value the provider's table does not know passes as it is: the conventions allow
 * any string, and a new reason is more useful recorded than dropped.
 */

export interface FinishReasonSpelling {
  /** How a raw value is looked up in the table (e.g. upper-cased, for providers that vary the case). */
  key?: (raw: string) => string;
  /** How a value the table does not know is recorded (default: as it is). */
  unknown?: (raw: string) => string;
}

/** A reader of one provider's stop reasons; a non-string or empty value is no finish reason. */
export function finishReasonMapper(
  table: Readonly<Record<string, string>>,
  spelling: FinishReasonSpelling = {},
): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== 'string' || value === '') return undefined;
    const key = spelling.key ? spelling.key(value) : value;
    if (Object.hasOwn(table, key)) return table[key];
    return spelling.unknown ? spelling.unknown(value) : value;
  };
}
