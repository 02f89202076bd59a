import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const EMULATOR_ONLY_FROM_ENTRY_POINTS = {
  regex: '^@sustain/stripe-emulator(/|$)|(^|/)packages/',
  message: 'Only src/main.ts and src/stripe/emulator-cli.ts (and tests, bench) may use the Stripe emulator; the app talks to Stripe through src/stripe/client.ts.',
};
const LEAVES_PACKAGE = {
  message: 'packages/stripe-emulator imports nothing from the app (or outside the package); take what it needs as an option of startStripeEmulator.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The local Stripe emulator is a development stand-in; only the process
    // entry points start it, so every other path in the app is the one that
    // runs against Stripe.
    files: ['**/*.ts'],
    ignores: ['src/main.ts', 'src/stripe/emulator-cli.ts', 'tests/**', 'bench/**', 'packages/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [EMULATOR_ONLY_FROM_ENTRY_POINTS] }],
    },
  },
  {
    // The emulator package stands alone (no build, but no reach into the app
    // either): a relative import may not climb out of packages/stripe-emulator.
    files: ['packages/stripe-emulator/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ ...LEAVES_PACKAGE, regex: '^(\\.\\./){2,}' }] }] },
  },
  {
    files: ['packages/stripe-emulator/*/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ ...LEAVES_PACKAGE, regex: '^(\\.\\./){3,}' }] }] },
  },
  {
    files: ['public/**/*.js', 'src/embed/browser/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly', document: 'readonly', Intl: 'readonly', location: 'readonly', history: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', setTimeout: 'readonly', ResizeObserver: 'readonly',
      },
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
