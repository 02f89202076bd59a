/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The emulator package's tests run with the app's (and alone: npm test -w @sustain/stripe-emulator).
  roots: ['<rootDir>/tests', '<rootDir>/packages/stripe-emulator/tests'],
  testMatch: ['**/*.test.ts'],
  // Real-browser tests need chromium: `npm run test:browser` (jest.browser.config.js) runs them, CI too.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/browser/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/tests/support/network.ts'],
  testTimeout: 30_000,
};
