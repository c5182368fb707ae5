import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { CaptureMode } from './content-mode';

/** Configuration shared by every GenAI instrumentation in this package. */
export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Whether and where to record message content (system instructions, input and output messages, tool
   * definitions). `true` = `SPAN_ONLY`, `false` = `NO_CONTENT`. Default `NO_CONTENT`.
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, when set, wins over this option.
   */
  captureMessageContent?: boolean | CaptureMode;
  /**
   * Whether the low-cardinality GenAI context fields (prompt name, prompt version, deployment
   * environment; see `withGenAIContext`) are added to metrics. Default true. Ids (conversation, user,
   * tenant) and free-form context attributes never go on metrics.
   */
  scopeAttributesOnMetrics?: boolean;
}
