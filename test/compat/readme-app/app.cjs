// The same app in CommonJS, run as `app.js` (the README's CommonJS commands name it so; the test app's
// package.json has no "type", so .js is CommonJS).
'use strict';
const OpenAI = require('openai');

const client = new OpenAI();
client.chat.completions
  .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
  .then((r) => console.log(r.choices[0].message.content));
