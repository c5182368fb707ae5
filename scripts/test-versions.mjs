#!/usr/bin/env node
// Runs each SDK's integration tests (test/integration/<prefix>*, except the module-systems child-process
// tests) against the latest release of each supported major of that SDK.
//
//   npm run test:versions                              # every SDK, every major
//   npm run test:versions -- openai anthropic@0        # all majors of openai, and anthropic 0.x only
//   npm run test:versions -- --refresh                 # reinstall the cached copies (to pick up new releases)
//
// Each major is installed once into .cache/sdk-versions/<sdk>-<major>/ (`npm install <package>@<major>`,
// plus the companion packages tied to that major, e.g. `@ai-sdk/openai@2` for `ai@5`) and reused by later runs; a missing or broken folder is reinstalled. Jest then runs with
// <SDK>_SDK_DIR=<that copy>, which jest.config.js turns into moduleNameMapper entries for the package.
// test/compat/<sdk>-sdk-dir.check.ts runs with the suite and fails if the mapping did not take effect.
// Prints `<package>@X.Y.Z: N passed, N failed` per version and a final `N passed, N failed`; exits 1 when
// anything failed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, childEnv, ensurePinnedNode, npm, npmErrorText, npmPing, run, seconds } from '../test/compat/run-utils.mjs';

ensurePinnedNode(import.meta.url);

const INSTALL_TIMEOUT_MS = 5 * 60_000;
const JEST_TIMEOUT_MS = 10 * 60_000;
/** The Vercel AI SDK tests that `ai` 5 and 6 run (all but vercel-ai-double-telemetry). */
const VERCEL_AI_WRAPPED_TESTS = ['vercel-ai-generate', 'vercel-ai-stream', 'vercel-ai-tool-loop', 'vercel-ai-object', 'vercel-ai-model-id'];
/**
 * The SDKs under test: npm package, supported majors, the env var prefix jest.config.js maps
 * (`<ENV>_SDK_DIR`, `<ENV>_EXPECTED_VERSION`), the integration test files (`testsByMajor`: those of a
 * major that records less) and the mapping check.
 */
const SDKS = {
  openai: { pkg: 'openai', majors: ['4', '5', '6', '7'], env: 'OPENAI', tests: ['chat', 'completions', 'content', 'context', 'embeddings', 'endpoints', 'responses', 'sdk-compat'] },
  anthropic: { pkg: '@anthropic-ai/sdk', majors: ['0', '1'], env: 'ANTHROPIC', tests: ['anthropic'] },
  'google-genai': { pkg: '@google/genai', majors: ['1', '2', '3'], env: 'GOOGLE_GENAI', tests: ['google-genai'] },
  groq: { pkg: 'groq-sdk', majors: ['0', '1'], env: 'GROQ', tests: ['groq'] },
  // The @ai-sdk/* providers are tied to an `ai` major through @ai-sdk/provider (ai 5 and @ai-sdk/openai 2
  // share @ai-sdk/provider 2.x, ai 6 and @ai-sdk/openai 3 share 3.x, ai 7 and @ai-sdk/openai 4 share 4.x):
  // `with` installs the matching ones next to `ai`, as an app has them.
  'vercel-ai': {
    pkg: 'ai',
    majors: ['5', '6', '7'],
    env: 'VERCEL_AI',
    tests: ['vercel-ai'],
    // ai 5 and 6 (wrapped exports and agent classes) record what ai 7 publishes on its channel, but have
    // no @ai-sdk/otel (ai 7's registerTelemetry): their runs take every test but that one.
    testsByMajor: { 5: VERCEL_AI_WRAPPED_TESTS, 6: VERCEL_AI_WRAPPED_TESTS },
    with: {
      5: ['@ai-sdk/openai@2', '@ai-sdk/anthropic@2', 'zod@4'],
      6: ['@ai-sdk/openai@3', '@ai-sdk/anthropic@3', 'zod@4'],
      7: ['@ai-sdk/openai@4', '@ai-sdk/anthropic@4', 'zod@4'],
    },
  },
  // LangChain.js: @langchain/core (what the instrumentation patches); @langchain/openai, @langchain/anthropic
  // and LangGraph stay the repo's copies and load the copy under test as their peer.
  langchain: { pkg: '@langchain/core', majors: ['1'], env: 'LANGCHAIN_CORE', tests: ['langchain'] },
};

const args = process.argv.slice(2);
const refresh = args.includes('--refresh');
const targets = [];
for (const arg of args.filter((a) => !a.startsWith('--'))) {
  const [name, major] = arg.split('@');
  const sdk = SDKS[name];
  if (!sdk || (major !== undefined && !sdk.majors.includes(major))) {
    const known = Object.entries(SDKS).map(([n, s]) => `${n}@${s.majors.join('|')}`).join(', ');
    console.error(`unknown SDK or major "${arg}" (known: ${known})`);
    process.exit(2);
  }
  for (const m of major === undefined ? sdk.majors : [major]) targets.push([name, m]);
}
if (targets.length === 0) for (const [name, sdk] of Object.entries(SDKS)) for (const m of sdk.majors) targets.push([name, m]);
const CACHE = join(ROOT, '.cache', 'sdk-versions');

function installedVersion(dir, pkg) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs (or reuses) <package>@<major>; returns { version, sdkDir } or throws with npm's error. */
async function ensureInstalled(name, major) {
  const { pkg, with: companions } = SDKS[name];
  const dir = join(CACHE, `${name}-${major}`);
  const sdkDir = join(dir, 'node_modules', pkg);
  let version = installedVersion(dir, pkg);
  if (version && !refresh) {
    if (!version.startsWith(`${major}.`)) throw new Error(`${dir} holds ${pkg}@${version}, not ${major}.x; delete it`);
    return { version, sdkDir, installed: false };
  }
  const pingError = await npmPing();
  if (pingError) throw new Error(pingError);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Its own package.json, so npm treats the folder as the project root and never walks up to the repo.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${name}-v${major}-under-test`, private: true }, null, 2) + '\n');
  const r = await npm(['install', `${pkg}@${major}`, ...(companions?.[major] ?? []), '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  version = installedVersion(dir, pkg);
  if (r.code !== 0 || !version) {
    rmSync(dir, { recursive: true, force: true }); // no half-installed cache next time
    throw new Error(`npm install ${pkg}@${major} failed (exit ${r.code}):\n${npmErrorText(r)}`);
  }
  return { version, sdkDir, installed: true };
}

/** Runs jest against one copy; returns { passed, failed, failures[] } or throws if jest gave no results. */
async function runSuite(name, sdkDir, version, major) {
  const sdk = SDKS[name];
  const check = `${name}-sdk-dir.check.ts`;
  const outFile = join(CACHE, `jest-results-${name}-${major}.json`);
  rmSync(outFile, { force: true });
  const r = await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--ci',
      '--testMatch',
      ...(sdk.testsByMajor?.[major] ?? sdk.tests).map((prefix) => `**/test/integration/${prefix}*.test.ts`),
      `**/test/compat/${check}`,
      '--testPathIgnorePatterns',
      '/node_modules/',
      'module-systems',
      '--json',
      '--outputFile',
      outFile,
    ],
    { env: childEnv({ [`${sdk.env}_SDK_DIR`]: sdkDir, [`${sdk.env}_EXPECTED_VERSION`]: version }), timeoutMs: JEST_TIMEOUT_MS },
  );
  if (!existsSync(outFile)) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`jest ${r.timedOut ? `timed out after ${seconds(JEST_TIMEOUT_MS)}` : `exited ${r.code}`} without results:\n${tail}`);
  }
  const json = JSON.parse(readFileSync(outFile, 'utf8'));
  const failures = [];
  for (const file of json.testResults) {
    const rel = file.name.startsWith(ROOT) ? file.name.slice(ROOT.length + 1) : file.name;
    const failedAssertions = file.assertionResults.filter((a) => a.status === 'failed');
    for (const a of failedAssertions) {
      failures.push(`${rel} > ${a.fullName}\n      ${firstLines(a.failureMessages.join('\n'), 10).join('\n      ')}`);
    }
    // A suite that failed to run (syntax error, import failure, beforeAll error) has no failed assertions.
    if (file.status === 'failed' && failedAssertions.length === 0) {
      failures.push(`${rel} (suite failed to run)\n      ${firstLines(file.message, 8).join('\n      ')}`);
    }
  }
  const checkRan = json.testResults.some((f) => f.name.endsWith(check));
  if (!checkRan) failures.push(`test/compat/${check} did not run: the ${sdk.env}_SDK_DIR mapping is unverified`);
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests + json.numRuntimeErrorTestSuites + (checkRan ? 0 : 1),
    failures,
  };
}

function firstLines(text, n) {
  // Strip ANSI colours and jest's own stack frames; keep the first lines that say something.
  return String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^\s+at .*(node_modules[\\/](jest|@jest)|new Promise \(<anonymous>\)|node:internal)/.test(l))
    .slice(0, n);
}

let totalPassed = 0;
let totalFailed = 0;
const started = Date.now();
for (const [name, major] of targets) {
  const t0 = Date.now();
  let label = `${SDKS[name].pkg}@${major}.x`;
  try {
    const { version, sdkDir, installed } = await ensureInstalled(name, major);
    label = `${SDKS[name].pkg}@${version}`;
    const { passed, failed, failures } = await runSuite(name, sdkDir, version, major);
    totalPassed += passed;
    totalFailed += failed;
    console.log(`${label}: ${passed} passed, ${failed} failed  (${installed ? 'installed, ' : ''}${seconds(Date.now() - t0)})`);
    for (const f of failures) console.log(`  FAIL ${f}`);
  } catch (err) {
    totalFailed += 1;
    console.log(`${label}: 0 passed, 1 failed  (${seconds(Date.now() - t0)})`);
    console.log(`  ERROR ${String(err.message ?? err).split('\n').join('\n    ')}`);
  }
}
console.log(`total time ${seconds(Date.now() - started)}`);
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed > 0 ? 1 : 0);
