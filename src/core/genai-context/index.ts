export {
  type EffectiveGenAIContext,
  type GenAIContextMetadata,
  contextCaptureMode,
  contextMetricAttributes,
  contextSpanAttributes,
  deleteGenAIContext,
  getGenAIContext,
  setGenAIContext,
  withGenAIContext,
} from './metadata';
export { bindAsyncIterator, isAsyncIterator, isThenable } from './bind';
