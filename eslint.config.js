// Lint with type information: typescript-eslint's recommended and strict type-checked sets, plus the
// stylistic rules that keep one way of writing things. Formatting belongs to Prettier (eslint-config-prettier
// turns off every rule it owns). Layering and import cycles are checked by dependency-cruiser
// (.dependency-cruiser.cjs), which sees the whole import graph rather than one file at a time.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.bench-build/',
      'bench/scan.js',
      'bench/distributed.js',
      'node_modules/',
      'coverage/',
      '.scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.ts', 'src/testing/__fixtures__/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals with numbers are how messages are written throughout; booleans and unknowns stay banned.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `void promise` marks a deliberately detached task (server close in a finally, a fire-and-forget log).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Unused names prefixed with _ document a parameter a signature requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Type aliases and interfaces are both used: aliases for unions and object shapes alike.
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `() => server.close(done)` style callbacks are idiomatic Node; a void value in a plain return is still caught.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // noUncheckedIndexedAccess types every `a[i]` as possibly undefined; `a[i]!` after a bounds check is how the
      // tree says "checked", and banning it only trades `!` for unreachable throws.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // An async function implementing a Promise-returning contract (a Transport, a route handler) reads best as
      // `async` even without an await; no-floating-promises and no-misused-promises catch the real hazards.
      '@typescript-eslint/require-await': 'off',
      // Public entry points validate values from untyped JavaScript callers: `String(x)` in their error messages is
      // deliberate even where the type says x is already a string.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // The spec's "While true" loops are written as `while (true)` with a break, as the spec reads.
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: 'only-allowed-literals' },
      ],
      // An aborted wait rejects with the AbortSignal's own reason (typed any), as fetch() does.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // Tests assert on values they just checked and build fixtures tersely; these rules cost more than they find there.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/__fixtures__/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      // afterAll guards fixtures its beforeAll may not have made (`await lab?.close()` after a failed start).
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // withCors returns a promise only while an origin resolver is asked, and it rejects only when the wrapped
    // handler does; the examples pass it to node:http as any async handler is passed, and docs show them verbatim.
    files: ['examples/**/*.ts'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tool configuration that must be CommonJS (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  prettier,
  {
    // After eslint-config-prettier, which switches `curly` off: a body Prettier had to wrap onto its own line
    // gets braces, so an `if` never spans lines without them.
    rules: { curly: ['error', 'multi-line'] },
  },
);
