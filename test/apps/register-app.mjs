/*
 * An ES module app that knows nothing about telemetry, for the zero-code start tests: it is started with
 * `node --import opentelemetry-instrumentation-genai/register`. One chat call to the test's mock server;
 * REGISTER_APP_MODE=linger keeps running until a signal, own-handler also installs its own SIGTERM handler
 * (which lets the process end by itself).
 */
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'test-key', baseURL: process.env.OPENAI_BASE_URL_FOR_TEST });
const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] });
console.log(`answer: ${completion.choices[0].message.content}`);

const mode = process.env.REGISTER_APP_MODE ?? 'exit';
if (mode !== 'exit') {
  const keepAlive = setInterval(() => {}, 1000);
  if (mode === 'own-handler') {
    process.on('SIGTERM', () => {
      console.log('app: SIGTERM handled');
      clearInterval(keepAlive);
    });
  }
  console.log('app: ready');
}
