/*
 * What every child app of the tests shares, without loading any OpenTelemetry package (apps under the
 * register hook must not load a second SDK): the result line the test reads, required env vars, and
 * running an async main.
 */
'use strict';

/** The prefix of the line the test parses (test/helpers/child-app.ts). */
const RESULT_MARKER = 'GENAI_APP_RESULT ';

/** Prints the result line with `fields`. */
function reportResult(fields) {
  process.stdout.write(RESULT_MARKER + JSON.stringify(fields) + '\n');
}

/** An environment variable the app cannot run without. */
function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Runs the app's async main; a failure is printed and sets the exit code. */
function runMain(main) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  });
}

module.exports = { RESULT_MARKER, reportResult, requiredEnv, runMain };
