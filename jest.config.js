/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; transpile-only keeps jest fast.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 120000,
  // Jest's default leaves one core idle (one worker on a 2-core machine); the suites are CPU-bound
  // and promtool runs in subprocesses, so use every core.
  maxWorkers: '100%',
};
