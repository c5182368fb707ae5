export {
  type GenAIContextMetadata,
  type GenAIScope,
  deleteGenAIContext,
  getGenAIScope,
  scopeMetricAttributes,
  scopeSpanAttributes,
  scopedCaptureMode,
  setGenAIContext,
  withGenAIContext,
} from './scope';
export { bindAsyncIterator, isAsyncIterator, isThenable } from './bind';
