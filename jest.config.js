/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // The example app imports the library by its package name; the tests read its source.
  moduleNameMapper: { '^docker-host-dependencies$': '<rootDir>/lib/index.ts' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
