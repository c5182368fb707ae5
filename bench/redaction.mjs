/*
 * Micro-benchmark of the content redaction step (src/core/redaction): microseconds added per call for a
 * typical chat request, with the default detectors (secrets, cards) and with all of them.
 *
 *   npx node bench/redaction.mjs [--ms 400] [--rounds 15] [--baseline <git ref>] [--history N]
 *
 * The redaction sources are transpiled (typescript.transpileModule) into a temp dir and loaded from
 * there, so this measures the current src/ without a build. With --baseline, the sources of that commit
 * (git show) are loaded too, and the default and all-detector arms of both run round by round in
 * alternation in this one process: a before/after under the same conditions. A "call" is what the instrumentation does
 * per request: redactContent over the system instructions and the input messages, then over the output
 * message. Reported: main-thread CPU µs per call, median over rounds (10th-90th percentile in brackets).
 *
 * Measured 2026-11-26, Node 24.21, shared 2-vCPU dev container (noisy: repeat runs moved medians by up
 * to 1.8x), request of 2275 bytes of JSON / 1772 characters of text:
 *   JSON.stringify of the same content (for scale)   5-8 µs
 *   copy only (redactor with nothing to do)           3-4 µs  (callers skip it: `redactor.active` is false)
 *   default detectors (secrets, cards)               10-12 µs  -> about +7-8 µs over the copy
 *   all detectors                                    20 µs (36 in one loaded run)
 *   all detectors + a hook returning its input       20-21 µs
 * Where it goes (CPU profile, all detectors): the walk/copy ~15%, the per-rule loop ~20%, the rest in
 * the regexes (a digit scan for cards ~7%, each other rule 1-6%). Matches cost extra: the input messages
 * with a card, an email and a key added took 19-29 µs against 12-13 µs without.
 *
 * Before/after the detector changes of 2026-12 (IBANs their own kind and on by default, AWS secret keys
 * near their key id or the word secret, three more phone rules, the sorted span list), same VM, load
 * average under 1, `--baseline 60598db`, two runs: default 7.39 -> 8.86 and 7.39 -> 8.98 µs (the IBAN
 * rule, now on by default, is most of it), all detectors 14.76 -> 17.73 and 14.57 -> 17.69 µs (the
 * three phone rules about 0.7 µs each). Without --baseline in the same session: copy only 1.72, default
 * 9.10, all 17.78, all + hook 18.79 µs.
 *
 * Since the memo of recent strings (scan-memo.ts), each call's newest user message and answer are new
 * strings and the rest repeats, as in an app. `--baseline 1a8137d` (the commit before the memo), same VM,
 * 11 rounds: the sample request (2 of 5 strings new per call) default 9.84 -> 7.37 µs, all 18.84 -> 10.77;
 * `--history 19` (20 messages, 6.9 KB) default 32.69 -> 14.74 µs, all 60.60 -> 17.97: the cost now
 * follows the new messages, not the conversation's length.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const ts = require('typescript');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUND_MS = Number(opt('ms', 400));
const ROUNDS = Number(opt('rounds', 15));
const BASELINE = opt('baseline', undefined);
/** Messages of conversation history before the newest user message (default: the 3 of the sample request). */
const HISTORY = Number(opt('history', 3));

const SRC = 'src/core/redaction';

/** The redaction sources: the working tree's, or those of a commit. */
function sources(ref) {
  if (ref === undefined) {
    const dir = join(root, SRC);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  }
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return git('ls-tree', '--name-only', `${ref}:${SRC}`)
    .split('\n')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [f, git('show', `${ref}:${SRC}/${f}`)]);
}

/** Transpiles the redaction sources to CommonJS in a temp dir (removed at exit); returns the loaded index. */
function loadRedaction(ref) {
  const outDir = mkdtempSync(join(tmpdir(), 'redaction-bench-'));
  process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const apiPath = require.resolve('@opentelemetry/api');
  for (const [file, source] of sources(ref)) {
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(
      join(outDir, file.replace(/\.ts$/, '.js')),
      outputText.replaceAll('require("@opentelemetry/api")', `require(${JSON.stringify(apiPath)})`),
    );
  }
  return createRequire(join(outDir, 'index.js'))('./index.js');
}

/** A typical chat request: a system prompt and 4 messages, about 2 KB of text, with no secret or PII in it. */
const system = [
  {
    type: 'text',
    content:
      'You are Nova, the customer support assistant for Brightline Home, an online store for kitchen and home ' +
      'appliances. Be concise and friendly. Look up orders with the get_order tool before answering questions ' +
      'about shipping, returns or refunds. Our return window is 30 days from delivery; refunds take 5-7 business ' +
      'days after the item reaches the warehouse. Never promise a delivery date the carrier has not confirmed. ' +
      'If the customer is upset, apologise once and move on to the fix. Escalate to a human agent when the order ' +
      'value is above $500 or the customer asks for one.',
  },
];
const input = [
  {
    role: 'user',
    parts: [
      {
        type: 'text',
        content:
          'Hi, I ordered the Breville BES870XL espresso machine on March 3rd (order #BL-2024-118723) and it ' +
          'arrived yesterday with a cracked drip tray. The box looked fine. Can I get a replacement tray or do I ' +
          'need to send the whole machine back? I paid $599.95 plus $12.50 shipping.',
      },
    ],
  },
  {
    role: 'assistant',
    parts: [
      { type: 'text', content: 'Sorry about that! Let me pull up the order first.' },
      { type: 'tool_call', id: 'call_7bX2kQ9', name: 'get_order', arguments: { order_id: 'BL-2024-118723' } },
    ],
  },
  {
    role: 'tool',
    parts: [
      {
        type: 'tool_call_response',
        id: 'call_7bX2kQ9',
        response: {
          order_id: 'BL-2024-118723',
          status: 'delivered',
          delivered_at: '2024-03-09T14:22:05Z',
          items: [{ sku: 'BES870XL-BSS', name: 'Barista Express', qty: 1, price: 599.95 }],
          carrier: 'UPS',
          tracking: '1Z999AA10123456784',
        },
      },
    ],
  },
  {
    role: 'user',
    parts: [
      {
        type: 'text',
        content:
          'Also, the grinder makes a rattling noise on setting 5 and above. Firmware says v2.1.4 if that matters. ' +
          'I would prefer a replacement tray rather than a refund, and I can send photos of the damage. Is there ' +
          'a way to speed this up? I have guests coming on the 16th and would love to have it working by then.',
      },
    ],
  },
];
const output = [
  {
    role: 'assistant',
    finish_reason: 'stop',
    parts: [
      {
        type: 'text',
        content:
          'Thanks for your patience! Your order BL-2024-118723 was delivered on March 9, so you are well within ' +
          'the 30-day window. I have requested a replacement drip tray (part BES870XL/14) at no cost; it ships ' +
          'within 2 business days by UPS 2nd Day Air. For the grinder noise, try a burr cleaning first; if it ' +
          'persists, reply here and I will set up a warranty repair.',
      },
    ],
  },
];

// --history N: the sample's first 3 messages repeated (each copy its own text, made once) up to N.
if (HISTORY !== 3) {
  const earlier = input.slice(0, 3);
  const history = Array.from({ length: HISTORY }, (_, i) => {
    const m = structuredClone(earlier[i % 3]);
    if (m.parts[0].type === 'text') m.parts[0].content += ` [${i}]`;
    return m;
  });
  input.splice(0, input.length, ...history, input[3]);
}

const bytes = JSON.stringify({ system, input, output }).length;
let textChars = 0;
JSON.stringify({ system, input, output }, (_k, v) => {
  if (typeof v === 'string') textChars += v.length;
  return v;
});

/** One round of about ROUND_MS: main-thread CPU µs per call of `fn`. */
function round(fn) {
  let n = 0;
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ROUND_MS) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  const cpu = process.threadCpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

const quantiles = (perCall) => {
  const sorted = [...perCall].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
};

/**
 * Main-thread CPU per call (process.threadCpuUsage: time this thread ran, so other processes on the
 * machine do not inflate it the way they inflate wall time): a warm-up, then ROUNDS rounds of about
 * ROUND_MS each; returns the median and the 10th/90th percentiles of the per-round means, in µs.
 */
function measure(fn) {
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) fn();
  return quantiles(Array.from({ length: ROUNDS }, () => round(fn)));
}

/** Like measure, for several functions whose rounds alternate (so a change of load hits them alike). */
function measureInterleaved(fns) {
  for (const fn of fns) {
    const warmEnd = performance.now() + 300;
    while (performance.now() < warmEnd) fn();
  }
  const perCall = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) fns.forEach((fn, i) => perCall[i].push(round(fn)));
  return perCall.map(quantiles);
}

const lib = loadRedaction();
const env = {}; // ignore the environment: the arms below set the detectors explicitly
const defaults = lib.createRedactor(undefined, env).kinds.join(', ');
const arms = [
  ['copy only (no detector, no hook)', lib.createRedactor({ detectors: 'none' }, env)],
  [`default (${defaults})`, lib.createRedactor(undefined, env)],
  ['all detectors', lib.createRedactor({ detectors: 'all' }, env)],
  ['all detectors + identity hook', lib.createRedactor({ detectors: 'all', hook: (v) => v }, env)],
];

let sink = 0;
let turn = 0;
/**
 * One call as a chat app makes it: the system prompt and the history are the strings of the previous
 * call, the newest user message and the answer are new ones (numbered), so the redactor's memo of recent
 * strings (scan-memo.ts) helps exactly where it would in an app, and no more.
 */
const withNewText = (message, n) => ({ ...message, parts: [{ ...message.parts[0], content: `${message.parts[0].content} (${n})` }] });
const call = (redactor) => () => {
  const n = turn++;
  const a = redactor.redactContent(system, { field: 'system_instructions' });
  const b = redactor.redactContent([...input.slice(0, -1), withNewText(input[input.length - 1], n)], { field: 'input.messages' });
  const c = redactor.redactContent([withNewText(output[0], n)], { field: 'output.messages' });
  sink += a.count + b.count + c.count;
};

if (BASELINE !== undefined) {
  // Before/after: the baseline's arms and this tree's, round by round in alternation.
  const before = loadRedaction(BASELINE);
  const pairs = [
    [`default, ${BASELINE} (${before.createRedactor(undefined, env).kinds.join(', ')})`, before.createRedactor(undefined, env)],
    [`default, this tree (${defaults})`, lib.createRedactor(undefined, env)],
    [`all detectors, ${BASELINE}`, before.createRedactor({ detectors: 'all' }, env)],
    ['all detectors, this tree', lib.createRedactor({ detectors: 'all' }, env)],
  ];
  console.log(
    `redaction before/after, Node ${process.version}: system + ${input.length} messages + output, ${bytes} bytes of JSON; ` +
      `${ROUNDS} alternating rounds of ${ROUND_MS} ms each; main-thread CPU µs per call (median, p10-p90)\n`,
  );
  const results = measureInterleaved(pairs.map(([, redactor]) => call(redactor)));
  pairs.forEach(([name], i) => {
    const r = results[i];
    console.log(`  ${name.padEnd(58)} ${r.median.toFixed(2).padStart(7)} µs  (${r.p10.toFixed(2)}-${r.p90.toFixed(2)})`);
  });
  process.exit(0);
}

const baseline = measure(() => {
  sink += JSON.stringify(system).length + JSON.stringify(input).length + JSON.stringify(output).length;
});

console.log(
  `redaction micro-benchmark, Node ${process.version}: system + ${input.length} messages + output, ` +
    `${bytes} bytes of JSON, ${textChars} characters in string values`,
);
console.log(`${ROUNDS} rounds of ${ROUND_MS} ms; main-thread CPU µs per call (median, p10-p90 across rounds)\n`);
console.log(`  ${'for scale: JSON.stringify of the same content'.padEnd(48)} ${baseline.median.toFixed(2).padStart(7)} µs`);
for (const [name, redactor] of arms) {
  const r = measure(call(redactor));
  console.log(`  ${name.padEnd(48)} ${r.median.toFixed(2).padStart(7)} µs  (${r.p10.toFixed(2)}-${r.p90.toFixed(2)})`);
}

// Matches cost more (candidates are validated, the text rebuilt): the input messages alone, as they are
// and with a card, an email address and a key added to the first message.
const seeded = structuredClone(input);
seeded[0].parts[0].content +=
  ' My card is 4111 1111 1111 1111, email jane.doe@example.com, and here is my key sk-proj-3xAmPl3K3yT0k3nAbCdEfGh12';
const all = lib.createRedactor({ detectors: 'all' }, env);
console.log('');
for (const [name, messages] of [
  ['all detectors, input messages only', input],
  ['all detectors, input messages + 3 seeded values', seeded],
]) {
  const r = measure(() => {
    sink += all.redactContent(messages, { field: 'input.messages' }).count;
  });
  console.log(`  ${name.padEnd(48)} ${r.median.toFixed(2).padStart(7)} µs  (${r.p10.toFixed(2)}-${r.p90.toFixed(2)})`);
}
if (sink === 42) console.log('');
