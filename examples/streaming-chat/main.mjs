// Streaming chat: prints the answer as it arrives, then shows a stream the app stops reading early.
//
//   npx node --import opentelemetry-instrumentation-genai/register examples/streaming-chat/main.mjs
//
// Without OPENAI_API_KEY it talks to the bundled mock LLM; with it, to the real API (OPENAI_MODEL,
// default gpt-4o-mini). STREAMING_CHAT_BREAK_AFTER (default 5) is how many chunks the second call reads.
import OpenAI from 'openai';
import { withGenAIContext } from 'opentelemetry-instrumentation-genai';
import { startMockLLM } from '../mock-llm/server.mjs';

const breakAfter = Number(process.env.STREAMING_CHAT_BREAK_AFTER || 5);
const mock = process.env.OPENAI_API_KEY ? undefined : await startMockLLM();
const client = mock ? new OpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL }) : new OpenAI();
const model = mock ? 'gpt-4o-mini' : process.env.OPENAI_MODEL || 'gpt-4o-mini';

try {
  await withGenAIContext({ promptName: 'streaming-demo', promptVersion: 'v1', conversationId: 'streaming-chat-demo' }, async () => {
    // 1. Read the whole stream. include_usage asks for a last chunk with token usage (and no choices);
    //    the instrumentation records it on the span. It never adds this option for you.
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'In three sentences: why do LLM calls deserve tracing?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    process.stdout.write('assistant: ');
    for await (const chunk of stream) {
      process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
      if (chunk.usage) process.stdout.write(`\n(usage: ${chunk.usage.prompt_tokens} in, ${chunk.usage.completion_tokens} out)`);
    }
    process.stdout.write('\n');

    // 2. Stop early. `break` makes the SDK abort the HTTP request; the span still ends (once), with the
    //    text received so far, and the finish reason `error` for the choice the stream never finished.
    const partial = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Tell me a long story about a lighthouse keeper.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    process.stdout.write(`assistant (first ${breakAfter} chunks only): `);
    for await (const chunk of partial) {
      process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
      if (++chunks >= breakAfter) break;
    }
    process.stdout.write('[stopped]\n');
  });
} catch (error) {
  console.error('streaming-chat failed:', error);
  process.exitCode = 1;
} finally {
  await mock?.close();
}
