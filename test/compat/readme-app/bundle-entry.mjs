// The entry point of the bundled app: the README's bundled instrumentation.mjs first, then the app.
// Bundled into dist/app.js (CommonJS, so no top-level await here).
import './instrumentation.mjs';
import OpenAI from 'openai';

const client = new OpenAI();
client.chat.completions
  .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
  .then((r) => console.log(r.choices[0].message.content));
