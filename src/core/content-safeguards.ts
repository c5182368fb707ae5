/*
 * What happens to captured content before it leaves the process: redaction (secrets and PII replaced
 * by typed markers), then a byte budget per attribute (truncation that keeps valid JSON). Resolved once
 * per instrumentation configuration.
 */
import type { GenAIInstrumentationConfig } from './config';
import { createRedactor, type Redactor } from './redaction';
import { resolveTruncationSettings, type TruncationSettings } from './truncation';

/** The safeguards every captured piece of content goes through: the redactor, then the size budget. */
export interface ContentSafeguards {
  readonly redactor: Redactor;
  readonly truncation: TruncationSettings;
}

export function resolveContentSafeguards(config: GenAIInstrumentationConfig, env: NodeJS.ProcessEnv = process.env): ContentSafeguards {
  return {
    redactor: createRedactor(config.redaction, env),
    truncation: resolveTruncationSettings(
      { maxContentBytes: config.maxContentBytes, captureInlineBinary: config.captureInlineBinary },
      env,
    ),
  };
}
