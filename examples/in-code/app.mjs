// A short-lived app with no telemetry code of its own: three model calls against the bundled mock LLM,
// then it ends (or, with IN_CODE_EXIT=1, calls process.exit(0) right after its last call).
//   node --import ./examples/in-code/instrumentation.mjs examples/in-code/app.mjs
import OpenAI from 'openai';
import { startMockLLM } from '../mock-llm/server.mjs';

const mock = await startMockLLM();
const client = new OpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL });
try {
  for (const question of ['Can I return an opened item?', 'Where is my order?', 'Do you ship abroad?']) {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });
    console.log(completion.id);
  }
} finally {
  await mock.close();
}
if (process.env.IN_CODE_EXIT === '1') process.exit(0);
