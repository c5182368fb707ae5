/*
 * The CommonJS twin of register-app.mjs, started with `node -r opentelemetry-instrumentation-genai/register`.
 */
'use strict';
const OpenAI = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'test-key', baseURL: process.env.OPENAI_BASE_URL_FOR_TEST });
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] });
  console.log(`answer: ${completion.choices[0].message.content}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
