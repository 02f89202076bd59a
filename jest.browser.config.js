/**
 * Real-browser tests (`npm run test:browser`): Debian's chromium driven by
 * playwright-core against `npm start`'s embedded defaults. Kept out of
 * `npm test` so that runs on a machine without a browser; `.ci/run` installs
 * chromium and runs these too.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/browser'],
  testMatch: ['**/*.test.ts'],
  transform: base.transform,
  testTimeout: 60_000,
};
