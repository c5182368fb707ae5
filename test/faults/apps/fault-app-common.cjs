/*
 * The fault suite's app: knows nothing about telemetry (it runs under the register hook), makes chat
 * calls with the real openai SDK to the test's loopback server and records each completed call the
 * moment it completes, synchronously (appendFileSync), so the record survives any way the process ends,
 * SIGKILL included. Record lines: `call <ms> <response id>`, `issued <ms> <model>` (a call about to start), `event <ms> <what>`.
 *
 * Env: FAULT_LLM_BASE_URL, FAULT_RECORD (the record file), FAULT_MODE (below), FAULT_DURATION_MS (how
 * long calls go on), FAULT_RATE (calls per second, default 10), FAULT_CRASH_AFTER_MS (mode uncaught),
 * FAULT_ABANDON_COUNT / FAULT_ABANDON_END / FAULT_ABANDON_WAIT_MS (mode abandon).
 *
 * Modes: normal (calls, then the process ends by itself), exit (process.exit(0) after the last call),
 * uncaught (an exception thrown from a timer FAULT_CRASH_AFTER_MS into the run), sigterm-handler (the
 * app's own SIGTERM handler calls process.exit(0); the test sends the signal), until-signal (calls until
 * the test signals the process), abandon (calls the app never finishes; see abandonCalls).
 */
'use strict';
const { appendFileSync } = require('node:fs');

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`fault-app: ${name} is not set`);
  return value;
};
const recordFile = env('FAULT_RECORD');
const record = (kind, what) => appendFileSync(recordFile, `${kind} ${Date.now()} ${what}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const messages = [{ role: 'user', content: 'Say ok' }];

/** One call every 1/rate s for durationMs; every third call is streamed and read to its end. */
async function paceCalls(client, durationMs, rate) {
  const start = Date.now();
  for (let i = 0; Date.now() - start < durationMs; i++) {
    const wait = start + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    // Before the call starts: a call the process ends in may have its span without having reached the server.
    record('issued', 'gpt-4o-mini');
    if (i % 3 === 2) {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      let id;
      for await (const chunk of stream) id ??= chunk.id;
      record('call', id);
    } else {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      record('call', completion.id);
    }
  }
}

/** Kept alive on purpose when the calls must not be garbage collected (the idle-timeout and exit rows). */
const held = [];

/**
 * `count` calls of each kind the app never finishes, each kind with its own model name: streams never
 * iterated, streams read for one chunk and then dropped without break/return, and create() promises never
 * awaited (plain and streamed). Kept in `held` when `keep`, otherwise dropped.
 */
async function issueAbandonedCalls(client, count, keep) {
  const issue = (model, value) => {
    if (keep) held.push(value);
    record('issued', model);
  };
  for (let i = 0; i < count; i++) {
    const stream = await client.chat.completions.create({ model: 'abandon-never-iterated', messages, stream: true });
    issue('abandon-never-iterated', stream);
  }
  for (let i = 0; i < count; i++) {
    const stream = await client.chat.completions.create({ model: 'abandon-one-chunk', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    issue('abandon-one-chunk', iterator);
  }
  for (let i = 0; i < count; i++) issue('abandon-unawaited', client.chat.completions.create({ model: 'abandon-unawaited', messages }));
  for (let i = 0; i < count; i++) issue('abandon-unawaited-stream', client.chat.completions.create({ model: 'abandon-unawaited-stream', messages, stream: true }));
}

/**
 * FAULT_ABANDON_END says how the abandoned calls should end: gc (dropped, then global.gc() under
 * --expose-gc), idle (held past the idle timeout) or exit (held until the process ends by itself).
 */
async function abandonCalls(client, count, end, waitMs) {
  // Issued in a function of its own: a suspended async frame can keep its last values reachable, and
  // nothing here may hold on to a dropped call.
  await issueAbandonedCalls(client, count, end !== 'gc');
  // The never-awaited requests are on their way; give the server time to answer them all.
  await sleep(500);
  if (end === 'gc') {
    if (typeof global.gc !== 'function') throw new Error('fault-app: FAULT_ABANDON_END=gc needs node --expose-gc');
    // Finalization callbacks run as tasks after a collection: collect, then yield, a few times.
    for (let i = 0; i < 10; i++) {
      global.gc();
      await sleep(50);
    }
  } else if (end === 'idle') {
    await sleep(waitMs);
  }
}

async function runFaultApp(OpenAI) {
  const client = new OpenAI({ apiKey: 'test-key', baseURL: env('FAULT_LLM_BASE_URL'), maxRetries: 0 });
  const mode = env('FAULT_MODE');
  const duration = Number(env('FAULT_DURATION_MS', '5000'));
  const rate = Number(env('FAULT_RATE', '10'));
  record('event', `start ${mode}`);
  switch (mode) {
    case 'normal':
    case 'until-signal':
      await paceCalls(client, duration, rate);
      break;
    case 'exit':
      await paceCalls(client, duration, rate);
      record('event', 'exit');
      process.exit(0);
    case 'uncaught':
      setTimeout(() => {
        record('event', 'throw');
        throw new Error('fault-app: an uncaught exception');
      }, Number(env('FAULT_CRASH_AFTER_MS')));
      await paceCalls(client, duration, rate);
      break;
    case 'sigterm-handler':
      process.on('SIGTERM', () => {
        record('event', 'SIGTERM handled');
        process.exit(0);
      });
      await paceCalls(client, duration, rate);
      break;
    case 'abandon':
      await abandonCalls(client, Number(env('FAULT_ABANDON_COUNT')), env('FAULT_ABANDON_END'), Number(env('FAULT_ABANDON_WAIT_MS', '0')));
      break;
    default:
      throw new Error(`fault-app: unknown FAULT_MODE ${mode}`);
  }
  record('event', 'done');
}

module.exports = { runFaultApp };
