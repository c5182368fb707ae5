/*
 * The Anthropic ESM app's `node --import` preload, as a user would write it: the loader hook (limited to
 * the SDK) and the instrumentation, registered before the app's static imports (among them
 * `@anthropic-ai/sdk`) are evaluated. GENAI_APP_REGISTER: see telemetry.cjs.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preloadEsm } = require('./telemetry.cjs');
const { SDK_MODULE, instrumentations } = require('./anthropic-common.cjs');

preloadEsm(instrumentations, [SDK_MODULE]);
