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
export {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_GENAI_APP_TENANT_ID,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_PROMPT_VERSION,
  ATTR_USER_ID,
  GENAI_APP_NAMESPACE,
} from './names';
export { bindAsyncIterator, isAsyncIterator, isThenable } from './bind';
