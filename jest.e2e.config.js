// `npm run test:e2e`: the end-to-end suite (test/e2e/*.e2e.test.mjs) against a real OpenTelemetry
// Collector and a real Jaeger. The tests are native ES modules (no transform): they share the backend
// scripts in scripts/backends/ with `npm run demo:jaeger`. Run with --experimental-vm-modules.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.mjs'],
  transform: {},
  testTimeout: 180_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
