// A LangChain.js chain with no telemetry code of its own: a retriever, a prompt, ChatOpenAI and a parser.
// Start it with the zero-code hook:
//   node --import opentelemetry-instrumentation-genai/register examples/langchain/app.mjs
// The hook patches @langchain/core's callback manager (a handler added to every run, no `callbacks` to
// pass) and `openai`, which ChatOpenAI calls. Recorded: `invoke_workflow support-answer` over a
// `retrieval policies` span and the `invoke_workflow answer` chain, with one `chat gpt-4o-mini` span
// under it: the openai SDK's (the prompt template and the parser get no span).
import { BaseRetriever } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { startMockLLM } from '../mock-llm/server.mjs';

const POLICIES = [
  new Document({ id: 'refunds-3', pageContent: 'Refunds go back to the original payment method within 5 to 7 business days.' }),
  new Document({ id: 'damaged-1', pageContent: 'If an item arrives damaged, we send a replacement at no cost.' }),
];

/** A keyword retriever over the policies above (a vector store in a real app). */
class PolicyRetriever extends BaseRetriever {
  lc_namespace = ['examples', 'retrievers'];
  async _getRelevantDocuments(query) {
    const words = query.toLowerCase().split(/\W+/).filter((w) => w.length > 3);
    return POLICIES.filter((doc) => words.some((w) => doc.pageContent.toLowerCase().includes(w)));
  }
}

const mock = await startMockLLM(); // the bundled OpenAI-compatible mock, on loopback
const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'mock-key', configuration: { baseURL: mock.baseURL } });
const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'You are a support assistant. Answer from these policies:\n{policies}'],
  ['user', '{question}'],
]);
const retriever = new PolicyRetriever().withConfig({ runName: 'policies' });
const answer = prompt.pipe(model).pipe(new StringOutputParser()).withConfig({ runName: 'answer' });

// One run for the whole request: retrieve, then answer from what was retrieved.
const supportAnswer = RunnableLambda.from(async ({ question }) => {
  const docs = await retriever.invoke(question);
  const policies = docs.map((d) => `- [${d.id}] ${d.pageContent}`).join('\n');
  return answer.invoke({ policies, question });
}).withConfig({ runName: 'support-answer' });

try {
  console.log(await supportAnswer.invoke({ question: 'How long does a refund take?' }));
} finally {
  await mock.close();
}
