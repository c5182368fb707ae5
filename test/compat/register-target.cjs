// The app the register hook starts in register-launcher.mjs (CommonJS): no telemetry code, one chat call.
'use strict';
const OpenAI = require('openai');

const client = new OpenAI({ apiKey: 'test-key', baseURL: process.env.MOCK_BASE_URL, maxRetries: 0 });
client.chat.completions
  .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
  .then((r) => console.log(r.choices[0].message.content));
