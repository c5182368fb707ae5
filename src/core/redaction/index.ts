export * from './types';
export { createRedactor, DROPPED_MARKER } from './redactor';
export { REDACT_ENV, resolveDetectorKinds, parseDetectorKinds, markerFor } from './settings';
export { MARKERS, DETECTORS } from './detectors';
export { CIRCULAR, TRUNCATED, MAX_DEPTH } from './walk';
