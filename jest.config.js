/** Unit and integration tests run from TypeScript sources; e2e tests spawn the committed bundles. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
  maxWorkers: 2,
  // A worker that ran the e2e files ends near 900 MB; tearing down such a heap on a busy machine
  // takes longer than the 500 ms Jest waits, so it was reported as "failed to exit gracefully"
  // although no handle was open (its 'exit' event had fired). Recycled above 200 MB, workers stay small
  // enough to exit in time (400 MB still left one over the limit in a full run).
  workerIdleMemoryLimit: '200MB',
};
