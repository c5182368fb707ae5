// The support assistant: retrieve policy excerpts, ask the model, run the order tool when the model asks
// for it, ask again with the result. It creates no telemetry setup of its own: the package's stage
// helpers and context metadata only add spans and attributes when an OpenTelemetry SDK is running (for
// example started with `node --import opentelemetry-instrumentation-genai/register`), and cost next to
// nothing otherwise.
import { traceRetrieval, traceTool, traceWorkflow, withGenAIContext } from 'opentelemetry-instrumentation-genai';
import { retrievePolicies } from './policies.mjs';
import { PROMPT_NAME, systemPrompt } from './prompts.mjs';

// Orders the lookup_order tool knows about.
const ORDERS = {
  A1234: { order_id: 'A1234', item: 'Cordless stick vacuum', status: 'delivered', delivered_on: '2025-05-02', returnable_until: '2025-06-01' },
  B5678: { order_id: 'B5678', item: 'Linen duvet cover', status: 'in transit', expected_on: '2025-05-20' },
};

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look up an order: item, shipping status, delivery date and return deadline.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', description: 'The order number without the leading #, e.g. A1234' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
];

// Guards against a model that keeps calling tools.
const MAX_MODEL_CALLS = 4;

function lookupOrder({ order_id }) {
  const id = String(order_id ?? '').replace(/^#/, '').toUpperCase();
  return ORDERS[id] ?? { order_id: id, found: false };
}

export function createAssistant({ client, model }) {
  /**
   * Answers one customer question. Returns `{ answer, llmCalls, toolCalls, calls }`: the text, how many
   * chat.completions.create calls it took, how many tool calls ran, and what the app itself saw of each
   * model call (response id and model, token usage, finish reason, wall time): the record a test compares
   * with what the trace backend stored.
   */
  async function answer({ question, promptVersion = 'v1', tenantId, userId, conversationId, runId }) {
    // Every span started inside carries the metadata: gen_ai.prompt.name/version, user.id,
    // genai_app.tenant.id, gen_ai.conversation.id, genai_app.run_id (fields left undefined are skipped).
    const metadata = { promptName: PROMPT_NAME, promptVersion, tenantId, userId, conversationId, attributes: { run_id: runId } };
    return withGenAIContext(metadata, () =>
      traceWorkflow({ name: 'support-answer' }, async () => {
        const excerpts = traceRetrieval({ dataSource: 'refund-policies', query: question, topK: 2 }, () => retrievePolicies(question, 2));
        const policyText = excerpts.length > 0 ? excerpts.map((e) => `- [${e.id}] ${e.text}`).join('\n') : '- (no matching policy)';
        const messages = [
          { role: 'system', content: `${systemPrompt(promptVersion)}\n\nRelevant policy excerpts:\n${policyText}` },
          { role: 'user', content: question },
        ];

        let llmCalls = 0;
        let toolCalls = 0;
        const calls = [];
        while (llmCalls < MAX_MODEL_CALLS) {
          llmCalls++;
          const started = performance.now();
          const completion = await client.chat.completions.create({ model, messages, tools: TOOLS, temperature: 0 });
          const message = completion.choices[0].message;
          calls.push({
            responseId: completion.id,
            responseModel: completion.model,
            inputTokens: completion.usage?.prompt_tokens,
            outputTokens: completion.usage?.completion_tokens,
            finishReason: completion.choices[0].finish_reason,
            wallMs: performance.now() - started,
          });
          if (!message.tool_calls?.length) return { answer: message.content ?? '', llmCalls, toolCalls, calls };

          // The model asked for tools: run each, then give the model the results.
          messages.push(message);
          for (const call of message.tool_calls) {
            toolCalls++;
            const result = traceTool({ name: call.function.name, callId: call.id, type: 'function' }, (args) => runTool(call.function.name, args), parseArguments(call.function.arguments));
            messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
          }
        }
        throw new Error(`The model was still calling tools after ${MAX_MODEL_CALLS} calls`);
      }),
    );
  }

  return { answer };
}

function runTool(name, args) {
  if (name === 'lookup_order') return lookupOrder(args);
  return { error: `unknown tool ${name}` };
}

function parseArguments(json) {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}
