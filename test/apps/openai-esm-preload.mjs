/*
 * The openai ESM app's `node --import` preload, as a user would write it: the loader hook (for every
 * module) and the instrumentations, registered before the app's static imports (among them `openai`) are
 * evaluated. GENAI_APP_REGISTER / GENAI_APP_ESM_HOOK: see telemetry.cjs (without the loader hook the ESM
 * build of openai must stay unpatched, which shows it is the loader hook that patches it).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { preloadEsm } = require('./telemetry.cjs');
const { instrumentations } = require('./openai-common.cjs');

preloadEsm(instrumentations);
