// Kept in step with package.json by scripts/build.mjs (checked there).
export const PACKAGE_NAME = 'opentelemetry-instrumentation-genai';
export const PACKAGE_VERSION = '0.1.0';
