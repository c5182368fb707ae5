/*
 * The @google/genai ESM app's `node --import` preload: the loader hook (limited to the SDK) and the
 * instrumentation, registered before the app's static imports (among them `@google/genai`, whose ESM
 * bundle dist/node/index.mjs is a separate copy of the SDK's classes) run. GENAI_APP_REGISTER /
 * GENAI_APP_ESM_HOOK: see telemetry.cjs (without the loader hook the ESM bundle must stay unpatched).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preloadEsm } = require('./telemetry.cjs');
const { SDK_MODULE, instrumentations } = require('./google-genai-common.cjs');

preloadEsm(instrumentations, [SDK_MODULE]);
