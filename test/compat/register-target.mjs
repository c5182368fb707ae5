// The app the register hook starts in register-launcher.mjs (ESM): no telemetry code, one chat call.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'test-key', baseURL: process.env.MOCK_BASE_URL, maxRetries: 0 });
const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
console.log(r.choices[0].message.content);
