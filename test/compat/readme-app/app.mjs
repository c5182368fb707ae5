// A user's ES module app with no telemetry code: one chat call through the `openai` SDK (OPENAI_BASE_URL
// and OPENAI_API_KEY point it at the loopback mock), then it ends on its own. The README snippet tests run
// it as `app.mjs` under the register hook and the in-code instrumentation.mjs.
import OpenAI from 'openai';

const client = new OpenAI();
const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
console.log(r.choices[0].message.content);
