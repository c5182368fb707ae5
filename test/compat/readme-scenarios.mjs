// The README's "Start" section as a new user follows it, in a clean app on one OpenTelemetry line: the
// README's install command (one command; the package name replaced by the packed tarball, the line's
// version ranges added to the OpenTelemetry names, plus `openai`), then each way to start, run with the
// commands the README gives and the snippets it shows, read from README.md by their markers:
//   hook-esm, hook-cjs  `run-hook`'s two commands (the endpoint pointed at a loopback OTLP receiver)
//   in-code-esm         instrumentation.mjs from `in-code-esm`, `node --import ./instrumentation.mjs app.mjs`
//   in-code-cjs         instrumentation.cjs from `in-code-cjs`, `node -r ./instrumentation.cjs app.js`
//   bundled             instrumentation.mjs from `bundled`, an entry importing it first, bundled and run
//                       by `bundle-esbuild`'s two commands
// The app (readme-app/) makes one chat call through `openai` against a loopback OpenAI mock and ends on its
// own; what it exported by then must be at the receiver: exactly the chat span with its attributes and the
// content the snippet's capture mode records, the details log record when that mode includes events, and
// the metrics for the hook (the in-code snippets configure no metric reader).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { anyValue, spansFromOtlp, startOtlpReceiver } from '../../scripts/demo/otlp-receiver.mjs';
import { proseNodeCommands, readReadmeSnippets, shellCommands, snippet } from './readme-snippets.mjs';
import { ROOT, npmErrorText, run, seconds } from './run-utils.mjs';

const require = createRequire(import.meta.url);
const { startMockServer } = require('./compat-common.cjs');

const PACKAGE = 'opentelemetry-instrumentation-genai';
const APP = join(ROOT, 'test', 'compat', 'readme-app');
const APP_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 6 * 60_000;

/**
 * The README's install command for this app: `install-hook`'s words (which `install-in-code` must repeat),
 * the package name as the tarball, `versions` appended to the names they list, `openai` added.
 */
export function installArgs(snippets, tarball, versions, openai) {
  const hook = shellCommands(snippet(snippets, 'install-hook').code);
  const inCode = shellCommands(snippet(snippets, 'install-in-code').code);
  if (hook.length !== 1 || JSON.stringify(hook) !== JSON.stringify(inCode)) {
    throw new Error('README: install-hook and install-in-code must be the same single npm install command');
  }
  const [npm, install, ...names] = hook[0].argv;
  if (npm !== 'npm' || install !== 'install' || !names.includes(PACKAGE)) throw new Error(`README: unexpected install command ${hook[0].argv.join(' ')}`);
  const specs = names.map((n) => (n === PACKAGE ? tarball : versions[n] ? `${n}@${versions[n]}` : n));
  return ['install', ...specs, openai];
}

/** Installs the app in `dir` (recreated) with the README's command; resolves `{ ok, lines }`. */
export async function installReadmeApp({ dir, tarball, versions, openai, npm }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-app', version: '1.0.0', private: true }, null, 2) + '\n');
  const args = installArgs(readReadmeSnippets(), tarball, versions, openai);
  const shown = args.map((a) => (a === tarball ? '<tarball>' : /[<> ]/.test(a) ? `'${a}'` : a)).join(' ');
  const r = await npm([...args, '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0) {
    return { ok: false, lines: [`  npm ${shown} FAILED (exit ${r.code}, ${seconds(r.ms)}):`, ...npmErrorText(r).split('\n').map((l) => `    ${l}`)] };
  }
  const version = (name) => JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  const installed = ['@opentelemetry/api', '@opentelemetry/sdk-node', 'openai'].map((n) => `${n}@${version(n)}`).join(' ');
  return { ok: true, lines: [`  npm ${shown} (${seconds(r.ms)}): ${installed}`], version };
}

/** `bundle-esbuild`'s first command, `npx esbuild <args>`: its args. */
function bundleCommand(snippets) {
  const [bundle] = shellCommands(snippet(snippets, 'bundle-esbuild').code);
  if (bundle?.argv[0] !== 'npx' || bundle.argv[1] !== 'esbuild') throw new Error(`README: bundle-esbuild should start with npx esbuild, got ${JSON.stringify(bundle)}`);
  return bundle.argv.slice(2);
}

/** `bundle-esbuild`'s second command, the run of the bundle. */
function bundleRun(snippets) {
  const commands = shellCommands(snippet(snippets, 'bundle-esbuild').code);
  if (commands.length !== 2) throw new Error(`README: bundle-esbuild should be two commands (bundle, run), got ${commands.length}`);
  return commands[1];
}

/** The scenarios, each `{ name, setup(dir), command: { env, argv }, capture, hook }`, from the README. */
export function readmeScenarios() {
  const snippets = readReadmeSnippets();
  const captureIn = (s) => {
    const m = /captureMessageContent: '(\w+)'/.exec(s.code);
    if (!m) throw new Error(`README: snippet ${s.name} sets no captureMessageContent`);
    return m[1];
  };
  const onlyCommand = (s) => {
    const commands = proseNodeCommands(s);
    if (commands.length !== 1) throw new Error(`README: expected one \`node ...\` command before ${s.name}, found ${JSON.stringify(commands)}`);
    return { env: {}, argv: commands[0].split(/\s+/) };
  };
  const hookCommands = shellCommands(snippet(snippets, 'run-hook').code);
  const hookKinds = { 'ES modules': 'esm', CommonJS: 'cjs' };
  if (hookCommands.map((c) => hookKinds[c.comment]).join(',') !== 'esm,cjs') {
    throw new Error(`README: run-hook should give an ES modules and a CommonJS command, got ${JSON.stringify(hookCommands)}`);
  }
  const appFiles = (dir) => {
    copyFileSync(join(APP, 'app.mjs'), join(dir, 'app.mjs'));
    copyFileSync(join(APP, 'app.cjs'), join(dir, 'app.js'));
  };
  const withSnippet = (name, extra) => (dir) => {
    const s = snippet(snippets, name);
    writeFileSync(join(dir, s.file), s.code);
    extra(dir);
  };
  const inCode = (name) => ({ name, setup: withSnippet(name, appFiles), command: onlyCommand(snippet(snippets, name)), capture: captureIn(snippet(snippets, name)) });
  return [
    ...hookCommands.map((c) => ({
      name: `hook-${hookKinds[c.comment]}`,
      setup: appFiles,
      command: c,
      capture: c.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
      hook: true,
    })),
    inCode('in-code-esm'),
    inCode('in-code-cjs'),
    {
      name: 'bundled',
      setup: withSnippet('bundled', (dir) => copyFileSync(join(APP, 'bundle-entry.mjs'), join(dir, 'app.mjs'))),
      bundle: bundleCommand(snippets),
      command: bundleRun(snippets),
      capture: captureIn(snippet(snippets, 'bundled')),
    },
  ];
}

/**
 * Runs one scenario in `appDir/<name>/` (below the installed app, so its node_modules resolve) with
 * `nodePath` and `env` (PATH etc.); `esbuild` is the esbuild binary for the bundled one. `{ ok, lines }`.
 */
export async function runReadmeScenario(scenario, { appDir, nodePath, env, esbuild }) {
  const dir = join(appDir, scenario.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  scenario.setup(dir);
  const lines = [];
  if (scenario.bundle) {
    // `npx esbuild` of the README, with the esbuild the test installed (a user has it as a devDependency).
    const b = await run(esbuild, [...scenario.bundle, '--log-level=warning'], { cwd: dir, env, timeoutMs: APP_TIMEOUT_MS });
    if (b.code !== 0) return { ok: false, lines: [`  ${scenario.name}: esbuild FAILED (exit ${b.code}):`, ...`${b.stdout}\n${b.stderr}`.trim().split('\n').slice(0, 30).map((l) => `    ${l}`)] };
  }
  const mock = await startMockServer();
  const receiver = await startOtlpReceiver();
  const [node, ...args] = scenario.command.argv;
  if (node !== 'node') throw new Error(`README: ${scenario.name}'s command does not start with node: ${scenario.command.argv.join(' ')}`);
  const r = await run(nodePath, args, {
    cwd: dir,
    timeoutMs: APP_TIMEOUT_MS,
    env: {
      ...env,
      ...scenario.command.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OPENAI_BASE_URL: mock.baseURL,
      OPENAI_API_KEY: 'test-key',
      // The spool's default directory is under the OS temp dir: one of the app's own, so no other run's
      // batches are adopted and sent here.
      TMPDIR: join(dir, 'tmp'),
    },
  });
  await receiver.close();
  await mock.close();
  const problems = checkReceived(scenario, receiver.received, mock.port);
  if (r.code !== 0 || r.stdout !== 'hi there\n') problems.unshift(`app exited ${r.code}${r.timedOut ? ' (timed out)' : ''} with stdout ${JSON.stringify(r.stdout)}`);
  if (problems.length === 0) {
    lines.push(`  ${scenario.name}: ok (${seconds(r.ms)})`);
  } else {
    lines.push(`  ${scenario.name}: FAILED (${seconds(r.ms)}; ${scenario.command.argv.join(' ')})`);
    for (const p of problems) lines.push(`    ${p}`);
    for (const l of r.stderr.trim().split('\n').slice(0, 30)) if (l) lines.push(`    stderr: ${l}`);
  }
  return { ok: problems.length === 0, lines };
}

const MESSAGES_IN = [{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }];
const MESSAGES_OUT = [{ role: 'assistant', parts: [{ type: 'text', content: 'hi there' }], finish_reason: 'stop' }];
const EVENT = 'gen_ai.client.inference.operation.details';

function checkReceived(scenario, received, port) {
  const problems = [];
  const expectEq = (what, actual, expected) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  const spans = spansFromOtlp(received.resourceSpans);
  expectEq('span names', spans.map((s) => s.name), ['chat gpt-4o-mini']);
  const span = spans.find((s) => s.name === 'chat gpt-4o-mini');
  const onSpan = scenario.capture === 'SPAN_ONLY' || scenario.capture === 'SPAN_AND_EVENT';
  const asEvent = scenario.capture === 'EVENT_ONLY' || scenario.capture === 'SPAN_AND_EVENT';
  if (span) {
    const a = span.attributes;
    const expected = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': 'chatcmpl-compat-1',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.input.messages': onSpan ? JSON.stringify(MESSAGES_IN) : undefined,
      'gen_ai.output.messages': onSpan ? JSON.stringify(MESSAGES_OUT) : undefined,
    };
    for (const [k, v] of Object.entries(expected)) expectEq(`span ${k}`, a[k], v);
  }
  if (scenario.hook) {
    const service = received.resourceSpans.map((rs) => (rs.resource?.attributes ?? []).find((kv) => kv.key === 'service.name')?.value?.stringValue);
    expectEq('service.name', [...new Set(service)], [scenario.command.env.OTEL_SERVICE_NAME]);
    const metrics = received.resourceMetrics.flatMap((r) => r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []);
    expectEq('metric names', [...new Set(metrics.map((m) => m.name))].sort(), ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']);
  }
  const logs = received.resourceLogs.flatMap((r) => r.scopeLogs ?? []).flatMap((s) => s.logRecords ?? []);
  expectEq('log records', logs.map((l) => l.eventName), asEvent ? [EVENT] : []);
  if (asEvent && logs.length === 1) {
    const attr = (k) => anyValue(logs[0].attributes.find((kv) => kv.key === k)?.value);
    expectEq('log record gen_ai.input.messages', attr('gen_ai.input.messages'), MESSAGES_IN);
    expectEq('log record gen_ai.response.id', attr('gen_ai.response.id'), 'chatcmpl-compat-1');
  }
  return problems;
}
