// The ES module face of the fault app (fault-app-common.cjs): `node --import opentelemetry-instrumentation-genai/register`.
import OpenAI from 'openai';
import common from './fault-app-common.cjs';

await common.runFaultApp(OpenAI);
