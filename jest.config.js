/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // The example app (bin/, app/) imports the library by its package name; the tests read its source.
  moduleNameMapper: { '^docker-host-dependencies$': '<rootDir>/lib/index.ts' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // One temporary folder per run, removed at its end: the Apps' cdk.out folders and the programs' work folders go there.
  globalSetup: '<rootDir>/test/helpers/tmp-folder-setup.js',
  globalTeardown: '<rootDir>/test/helpers/tmp-folder-teardown.js',
  // Tests that run bash or python3 are skipped where these are missing; one notice at the end counts them.
  reporters: ['default', '<rootDir>/test/helpers/host-tools-reporter.js'],
  // Jest's default keeps one core for itself, which on a 2-core machine runs the suites one at a time;
  // the suites are CPU-bound synths and handler runs, so every core runs one.
  maxWorkers: '100%',
  // A synth with cdk-nag or a 200-run property test can pass Jest's 5 s on a loaded machine;
  // a test that hangs still fails, after 30 s.
  testTimeout: 30_000,
};
