#!/usr/bin/env node
// Runs the openai integration tests (test/integration, except the module-systems child-process test)
// against the latest release of each supported openai major.
//
//   npm run test:versions                # majors 4 5 6 7
//   npm run test:versions -- 4 7         # only these majors
//   npm run test:versions -- --refresh   # reinstall the cached copies (to pick up new releases)
//
// Each major is installed once into .cache/openai-versions/<major>/ (`npm install openai@<major>`) and
// reused by later runs; a missing or broken folder is reinstalled. Jest then runs with
// OPENAI_SDK_DIR=<that copy>, which jest.config.js turns into moduleNameMapper entries for `openai` and
// `openai/*`. test/compat/openai-sdk-dir.check.ts runs with the suite and fails if the mapping did not
// take effect. Prints `openai@X.Y.Z: N passed, N failed` per version and a final `N passed, N failed`;
// exits 1 when anything failed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, childEnv, ensurePinnedNode, npm, npmErrorText, npmPing, run, seconds } from '../test/compat/run-utils.mjs';

ensurePinnedNode(import.meta.url);

const INSTALL_TIMEOUT_MS = 5 * 60_000;
const JEST_TIMEOUT_MS = 10 * 60_000;
const ALL_MAJORS = ['4', '5', '6', '7'];

const args = process.argv.slice(2);
const refresh = args.includes('--refresh');
const majors = args.filter((a) => !a.startsWith('--'));
for (const m of majors) {
  if (!ALL_MAJORS.includes(m)) {
    console.error(`unknown openai major "${m}" (supported: ${ALL_MAJORS.join(', ')})`);
    process.exit(2);
  }
}
const CACHE = join(ROOT, '.cache', 'openai-versions');

function installedVersion(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', 'openai', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs (or reuses) openai@<major>; returns { version, sdkDir } or throws with npm's error. */
async function ensureInstalled(major) {
  const dir = join(CACHE, major);
  let version = installedVersion(dir);
  if (version && !refresh) {
    if (!version.startsWith(`${major}.`)) throw new Error(`${dir} holds openai@${version}, not ${major}.x; delete it`);
    return { version, sdkDir: join(dir, 'node_modules', 'openai'), installed: false };
  }
  const pingError = await npmPing();
  if (pingError) throw new Error(pingError);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Its own package.json, so npm treats the folder as the project root and never walks up to the repo.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `openai-v${major}-under-test`, private: true }, null, 2) + '\n');
  const r = await npm(['install', `openai@${major}`, '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  version = installedVersion(dir);
  if (r.code !== 0 || !version) {
    rmSync(dir, { recursive: true, force: true }); // no half-installed cache next time
    throw new Error(`npm install openai@${major} failed (exit ${r.code}):\n${npmErrorText(r)}`);
  }
  return { version, sdkDir: join(dir, 'node_modules', 'openai'), installed: true };
}

/** Runs jest against one copy; returns { passed, failed, failures[] } or throws if jest gave no results. */
async function runSuite(sdkDir, version, major) {
  const outFile = join(CACHE, `jest-results-${major}.json`);
  rmSync(outFile, { force: true });
  const r = await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--ci',
      '--testMatch',
      '**/test/integration/**/*.test.ts',
      '**/test/compat/openai-sdk-dir.check.ts',
      '--testPathIgnorePatterns',
      '/node_modules/',
      'module-systems',
      '--json',
      '--outputFile',
      outFile,
    ],
    { env: childEnv({ OPENAI_SDK_DIR: sdkDir, OPENAI_EXPECTED_VERSION: version }), timeoutMs: JEST_TIMEOUT_MS },
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
  const checkRan = json.testResults.some((f) => f.name.endsWith('openai-sdk-dir.check.ts'));
  if (!checkRan) failures.push('test/compat/openai-sdk-dir.check.ts did not run: the OPENAI_SDK_DIR mapping is unverified');
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
for (const major of majors.length > 0 ? majors : ALL_MAJORS) {
  const t0 = Date.now();
  let label = `openai@${major}.x`;
  try {
    const { version, sdkDir, installed } = await ensureInstalled(major);
    label = `openai@${version}`;
    const { passed, failed, failures } = await runSuite(sdkDir, version, major);
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
