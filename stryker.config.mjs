// @ts-check
import { fileURLToPath } from 'node:url';

/**
 * Mutation testing of the code the hosts and the swarm run on, and the
 * constructs that render it: `npm run mutate` (see CONTRIBUTING.md). Each
 * mutant runs only the tests that cover it; the results of the last run are
 * kept in reports/, so a rerun tests only the mutants of changed code or tests.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'lib/host/**/*.ts',
    'lib/swarm/**/*.ts',
    'lib/router/**/*.ts',
    'lib/containers/**/*.ts',
    'lib/nodes/**/*.ts',
    '!lib/**/index.ts',
  ],
  // Stryker's jest runner, loading for each mutant only the test files of its covering tests.
  plugins: ['@stryker-mutator/jest-runner', './scripts/stryker-jest-by-file.mjs'],
  testRunner: 'jest-by-file',
  jest: {
    configFile: 'jest.config.js',
    // The suites that synthesize or run what the mutated code renders. Left out: the lookups', the example app's, and
    // node-permissions, whose synths of whole example stacks take 5 to 10 s a test and whose roles docker-host and
    // docker-swarm check too; security-group-quota stays, the one suite that fills a security group past its quota,
    // monitoring, the one that checks each construct's alarms, and nodes, the one of what every kind of node shares.
    config: {
      // Counts what a beforeAll reaches as covered by its tests, and skips the rest of a mutant's run once one of them failed.
      testEnvironment: fileURLToPath(new URL('./scripts/stryker-environment.cjs', import.meta.url)),
      // jest finds the tests related to a mutated file through the files of its roots only: with lib/ among them, a
      // test of a DockerHost is related to lib/nodes/, which it reaches through lib/host/.
      roots: ['<rootDir>/test', '<rootDir>/e2e', '<rootDir>/lib'],
      testMatch: [
        '<rootDir>/test/lib/docker-host.test.ts',
        '<rootDir>/test/lib/docker-host-apply.test.ts',
        '<rootDir>/test/lib/docker-swarm.test.ts',
        '<rootDir>/test/lib/host-programs.test.ts',
        '<rootDir>/test/lib/router.test.ts',
        '<rootDir>/test/lib/router-target-group.test.ts',
        '<rootDir>/test/lib/swarm-join.test.ts',
        '<rootDir>/test/lib/container-props.test.ts',
        '<rootDir>/test/lib/swarm-service-props.test.ts',
        '<rootDir>/test/lib/security-group-quota.test.ts',
        '<rootDir>/test/lib/change-push.test.ts',
        '<rootDir>/test/lib/node-metrics.test.ts',
        '<rootDir>/test/lib/monitoring.test.ts',
        '<rootDir>/test/lib/nodes.test.ts',
      ],
    },
  },
  coverageAnalysis: 'perTest',
  // A mutant of a module's top level runs when the module loads, so every test would have to run for it.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two cores: one test process each.
  concurrency: 2,
  // The apply program's tests wait out real grace periods of a second or two; the first run, of every
  // test with coverage, takes minutes on a loaded 2-core machine.
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 30,
  checkers: [],
  disableTypeChecks: 'lib/**/*.ts',
  ignorePatterns: ['.e2e', 'cdk.out', 'coverage', 'reports', '*.tsbuildinfo'],
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
