/*
 * The Bedrock ESM app's `node --import` preload, as a user would write it: the loader hook (limited to the
 * SDK, as the package's register hook does) and the instrumentation, registered before the app's static
 * imports are evaluated. GENAI_APP_REGISTER / GENAI_APP_ESM_HOOK: see telemetry.cjs.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preloadEsm } = require('./telemetry.cjs');
const { SDK_MODULE, instrumentations } = require('./bedrock-common.cjs');

preloadEsm(instrumentations, [SDK_MODULE]);
