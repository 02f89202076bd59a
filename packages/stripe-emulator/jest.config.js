/**
 * The emulator's own tests, runnable alone (`npm test -w @sustain/stripe-emulator`):
 * no database and only loopback HTTP, so none of the root setup. The root
 * config runs the same files as part of `npm test`, with its network guard.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  testTimeout: 30_000,
};
