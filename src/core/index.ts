export * from './config';
export * from './content-mode';
export * from './genai-instrumentation';
export * from './invocation';
export * from './model';
export * from './stream-accumulator';
export * from './stream-observer';
export { safeJsonStringify, parseJsonIfPossible } from './safe-json';
export { safely } from './safely';
