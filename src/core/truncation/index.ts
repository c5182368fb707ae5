/*
 * Size budget for captured content: settings (option + env vars), inline-binary placeholders, and the
 * truncation of messages, system instructions and other JSON values to a byte budget.
 */
export {
  CAPTURE_INLINE_BINARY_ENV,
  DEFAULT_MAX_CONTENT_BYTES,
  MAX_CONTENT_BYTES_ENV,
  MIN_CONTENT_BYTES,
  resolveTruncationSettings,
  type TruncationConfig,
  type TruncationSettings,
} from './config';
export {
  INLINE_BINARY_PLACEHOLDER,
  base64DecodedBytes,
  binaryPlaceholder,
  dataUrlPlaceholder,
  omitInlineBinary,
  dataUrlSize,
} from './binary';
export { cutStringToJsonBytes, jsonBytes, truncationMarker, utf8Bytes } from './measure';
export {
  truncateInputMessages,
  truncateJsonValue,
  truncateMessages,
  truncateOutputMessages,
  truncateParts,
  type JsonTruncation,
  type MessageTruncateOptions,
  type MessagesTruncation,
  type PartsTruncation,
  type TruncateOptions,
  type TruncationOutcome,
} from './truncate';
