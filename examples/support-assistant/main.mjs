// The support-assistant scenario: the same customer questions answered with prompt v1, then v2.
// v2 dropped the opened-items clause, so one of its answers is wrong; the telemetry lets you find it.
//
//   npx node --import opentelemetry-instrumentation-genai/register examples/support-assistant/main.mjs
//
// Without OPENAI_API_KEY it starts the bundled mock LLM and talks to it; with it, to the real API
// (OPENAI_MODEL, default gpt-4o-mini; OPENAI_BASE_URL is read by the SDK). See README.md for the other
// SUPPORT_ASSISTANT_* variables.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startMockLLM } from '../mock-llm/server.mjs';
import { createAssistant } from './assistant.mjs';

const QUESTIONS = [
  { tenantId: 'acme', userId: 'user-17', question: 'I opened the stand mixer I bought last week and it is not for me. Can I return it for a full refund?' },
  { tenantId: 'acme', userId: 'user-23', question: 'Where is my order #A1234, and can I still return it?' },
  { tenantId: 'globex', userId: 'user-42', question: 'How long does it take for a refund to show up on my card?' },
  { tenantId: 'globex', userId: 'user-58', question: 'My lamp arrived damaged, the shade is cracked. What should I do?' },
];
const PROMPT_VERSIONS = ['v1', 'v2'];

const quiet = process.env.SUPPORT_ASSISTANT_QUIET === '1';
const log = quiet ? () => {} : console.log;

let mock;
let client;
try {
  const rounds = positiveInt('SUPPORT_ASSISTANT_ROUNDS', 1, 1);
  const pauseMs = positiveInt('SUPPORT_ASSISTANT_PAUSE_MS', 0, 0);
  const runId = process.env.SUPPORT_ASSISTANT_RUN_ID || `run-${randomBytes(4).toString('hex')}`;
  const reportPath = process.env.SUPPORT_ASSISTANT_REPORT;

  let model;
  if (process.env.OPENAI_API_KEY) {
    model = process.env.OPENAI_MODEL || 'gpt-4o-mini';
    client = new OpenAI();
  } else {
    mock = await startMockLLM();
    model = 'gpt-4o-mini';
    client = new OpenAI({ apiKey: 'mock-key', baseURL: mock.baseURL });
  }
  log(`support-assistant: run ${runId}, ${rounds} round(s), model ${model} at ${mock ? `the mock LLM (${mock.baseURL})` : client.baseURL}`);

  const assistant = createAssistant({ client, model });
  const report = { runId, rounds, model, llmCalls: { total: 0, v1: 0, v2: 0 }, toolCalls: { total: 0 }, questions: [] };

  for (let round = 1; round <= rounds; round++) {
    if (round > 1 && pauseMs > 0) await sleep(pauseMs);
    for (const promptVersion of PROMPT_VERSIONS) {
      for (const [i, { tenantId, userId, question }] of QUESTIONS.entries()) {
        const conversationId = `conv-${runId}-r${round}-${promptVersion}-q${i + 1}`;
        const result = await assistant.answer({ question, promptVersion, tenantId, userId, conversationId, runId });

        report.llmCalls.total += result.llmCalls;
        report.llmCalls[promptVersion] += result.llmCalls;
        report.toolCalls.total += result.toolCalls;
        report.questions.push({ round, promptVersion, tenantId, userId, conversationId, question, answer: result.answer, llmCalls: result.llmCalls, calls: result.calls });
        log(`[round ${round} ${promptVersion} ${tenantId}/${userId}] ${question}\n    -> ${result.answer}`);
      }
    }
  }

  // The mock counts the requests it served: a cross-check of llmCalls for tests (null on the real API).
  report.mockRequests = mock ? mock.requests : null;
  if (reportPath) await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  log(`done: ${report.llmCalls.total} LLM calls (v1 ${report.llmCalls.v1}, v2 ${report.llmCalls.v2}), ${report.toolCalls.total} tool calls`);
} catch (error) {
  // An API that cannot be reached or refuses the call is one line (what, where, why), not a stack trace.
  console.error('support-assistant failed:', error instanceof OpenAI.APIError ? apiProblem(error, `${mock ? 'the bundled mock LLM' : 'the OpenAI API'} at ${client.baseURL}`) : error);
  // No process.exit(): let the telemetry hook flush what was recorded (the error spans too) on the way out.
  process.exitCode = 1;
} finally {
  // Closing the mock leaves nothing to keep the event loop alive, so the process ends by itself.
  await mock?.close();
}

function apiProblem(error, where) {
  if (error instanceof OpenAI.APIConnectionError) {
    let cause = error;
    while (cause.cause) cause = cause.cause;
    const why = cause === error ? error.message : cause.message || cause.code || error.message;
    return `cannot reach ${where} (${why})`;
  }
  const detail = error.error?.message ?? error.message;
  return `${where} answered ${error.status ?? 'an error'}: ${String(detail).replace(/\s+/g, ' ')}`;
}

function positiveInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}
