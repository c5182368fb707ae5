/*
 * The openai ES module app with its instrumentation file imported by the app itself instead of given to
 * `node --import`: `node openai-esm-self-setup-app.mjs`. ES modules are all loaded before any is run, so
 * `openai` is loaded before the setup file registers the loader hook, and stays unpatched (the mistake
 * the unpatched-SDK warning is for). Same env and result line as openai-esm-app.mjs.
 */
import './openai-esm-preload.mjs';
import './openai-esm-app.mjs';
