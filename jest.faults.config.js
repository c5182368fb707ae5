// `npm run test:faults`: the fault-injection suite (test/faults/). Real child processes under the register
// hook, a loopback OpenAI server and a loopback OTLP receiver that goes down, answers 503 or hangs. One
// worker: the suite measures how long processes take to exit, which parallel runs on a small machine
// would blur. The table of figures per fault is printed after jest's summary.
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// Where the tests leave their rows for the table (the workers inherit this environment).
process.env.FAULTS_SUMMARY_FILE ??= join(tmpdir(), `genai-faults-summary-${process.pid}.jsonl`);

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(m?js|tsx?)$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  testTimeout: 90_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/faults/faults-summary-reporter.js', '<rootDir>/test/helpers/summary-reporter.js'],
};
