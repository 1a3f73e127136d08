// ESLint flat config: @eslint/js recommended plus typescript-eslint's type-checked rules over every
// TypeScript file that tsconfig.json covers (src, emulator, testkit, scripts, __tests__).
//
// Formatting is Prettier's job alone (`npm run format:check`). None of the configs below turns on a
// formatting rule (typescript-eslint 8 moved those to @stylistic, @eslint/js 10 has none), so
// eslint-config-prettier is not needed; `npm run lint` and `npm run format:check` never disagree.
// (The one rule on here that eslint-config-prettier lists as "special", no-unexpected-multiline,
// only fires on semicolon-less code; Prettier writes semicolons here.)
//
// See: https://typescript-eslint.io/getting-started/typed-linting
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node CommonJS globals the few plain .js files use (no `globals` package for four names).
const nodeCommonJsGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  globalIgnores([
    'dist/',
    'build/',
    'node_modules/',
    'specs/',
    '.specs/',
    '.tools/',
    '.tmp/',
    'coverage/',
    'out/',
    '__tests__/unit/golden/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // Numbers and booleans in messages (`${attempt}/${max}`, `${ms} ms`) are idiomatic and safe:
      // they print the same everywhere. Objects, arrays, null/undefined and `any` stay flagged,
      // since those are where `[object Object]` or a stray `undefined` leaks into a message.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowRegExp: false },
      ],
      // `_`-prefixed names are deliberately unused (callback positions, destructuring to omit a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A floating promise is a lost error or an un-awaited ARM call; `void promise` states intent.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Type-only imports keep the bundles free of modules imported only for their types.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `==` only for the null-or-undefined check.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    // Fakes implement the async interfaces of the core (`async secret() { return pem; }`): an
    // `async` body without `await` is the idiomatic way to do that, not a mistake. Production
    // code keeps the rule.
    files: ['__tests__/**/*.ts', 'testkit/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read what the bundles and the emulator wrote (JSON.parse of outputs, traffic bodies,
    // manifests): untyped by nature, and a wrong guess fails the assertion that follows. The
    // no-unsafe-* family would demand a cast per field read there; production code keeps it.
    files: ['__tests__/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // The same values end up in assertion messages and file names; printing them as they are is the point.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowAny: true, allowNullish: true },
      ],
      // jest.isolateModules and module-registry resets need require() of the module under test.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
    },
  },
  {
    // Plain Node scripts and config files: not in tsconfig.json, so no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: nodeCommonJsGlobals,
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
);
