import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { CaptureMode } from './content-mode';
import type { RedactionConfig } from './redaction';

/** Configuration shared by every GenAI instrumentation in this package. */
export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Whether and where to record message content (system instructions, input and output messages, tool
   * definitions). `true` = `SPAN_ONLY`, `false` = `NO_CONTENT`; the mode names in any case, `-` for `_`.
   * Default `NO_CONTENT`. `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, when set to a readable value,
   * wins over this option (an unreadable one is ignored, with a Node warning). An unreadable option means
   * `NO_CONTENT`, with a Node warning.
   */
  captureMessageContent?: boolean | CaptureMode;
  /**
   * Whether the low-cardinality GenAI context fields (prompt name, prompt version, deployment
   * environment; see `withGenAIContext`) are added to metrics. Default true. Ids (conversation, user,
   * tenant) and free-form context attributes never go on metrics.
   */
  contextAttributesOnMetrics?: boolean;
  /**
   * Redaction of captured content: built-in detectors (default `secrets`, `iban` and `cards`), the app's own
   * patterns and hook. `OTEL_INSTRUMENTATION_GENAI_REDACT` wins over `detectors` when set.
   */
  redaction?: RedactionConfig;
  /**
   * Byte budget (UTF-8 of the JSON) for each content attribute; default 65536, minimum 256.
   * `OTEL_INSTRUMENTATION_GENAI_MAX_CONTENT_BYTES` wins when set.
   */
  maxContentBytes?: number;
  /**
   * Keep inline binary (base64 blobs, data: URLs) in captured content instead of a placeholder with its
   * type and size. Default false. `OTEL_INSTRUMENTATION_GENAI_CAPTURE_INLINE_BINARY` wins when set.
   */
  captureInlineBinary?: boolean;
  /**
   * How long (ms) a call may wait on the app with no sign of life (its response arrived, or its stream
   * delivered a chunk, and nothing read it since) before it is ended and recorded as abandoned
   * (`genai_app.call.abandoned` = `idle_timeout`). Default 600000 (10 minutes); 0: never.
   * `OTEL_INSTRUMENTATION_GENAI_IDLE_TIMEOUT` wins when set.
   */
  idleTimeout?: number;
  /**
   * Whether streamed calls record `gen_ai.client.operation.time_per_output_chunk` (one point per chunk
   * after the first). Default true. False saves most of a stream's metric work, for apps that do not use
   * that metric. `OTEL_INSTRUMENTATION_GENAI_TIME_PER_OUTPUT_CHUNK` wins when set.
   */
  timePerOutputChunk?: boolean;
}
