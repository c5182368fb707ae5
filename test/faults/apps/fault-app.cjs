// The CommonJS face of the fault app (fault-app-common.cjs): `node -r opentelemetry-instrumentation-genai/register`.
'use strict';
const OpenAI = require('openai');
const { runFaultApp } = require('./fault-app-common.cjs');

runFaultApp(OpenAI).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
