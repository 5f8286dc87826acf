// ESLint for the whole repository (`npm run lint`). Formatting is Prettier's job (`.prettierrc.json`);
// this config turns off every stylistic rule Prettier owns (eslint-config-prettier) and keeps the
// rules that find bugs or enforce the codebase's shape (README "Codebase shape").
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** SQL that names a service schema literally (`FROM gateway.agents`): schemas come from `Database`. */
const LITERAL_SCHEMA_SQL = String.raw`/\b(FROM|INTO|UPDATE|JOIN|TABLE|ON)\s+"?(gateway|ingest|scheduler|dialer|reporting)"?\.[a-z_]/i`;

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      'packages/client/src/schema.ts',
      'bench/data/**',
      'bench/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Type-aware rules: promises that nobody awaits or handles are lost errors.
    files: [
      'apps/{gateway,ingest,scheduler,dialer,reporting}/**/*.ts',
      'packages/*/{src,test}/**/*.ts',
      'test/**/*.ts',
    ],
    languageOptions: { parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
    },
  },
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: globals.browser,
      parserOptions: { project: './apps/console/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The services: the broker stays behind the runtime's ports, and SQL takes its schema from `Database`.
    files: ['apps/{gateway,ingest,scheduler,dialer,reporting}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nats-io/*'],
              message:
                'Use the ports of @outdial/service-runtime (publish, request, subscribe, object store, consumer stats).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `TemplateElement[value.raw=${LITERAL_SCHEMA_SQL}]`,
          message: 'SQL names a schema literally; take it from Database (db.schema).',
        },
        {
          selector: `Literal[value=${LITERAL_SCHEMA_SQL}]`,
          message: 'SQL names a schema literally; take it from Database (db.schema).',
        },
      ],
    },
  },
  {
    files: ['packages/contracts/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSAsExpression[typeAnnotation.type="TSUnknownKeyword"]',
          message: 'No `as unknown as` in contracts: type the subject map instead.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'test/support/*.js'],
    languageOptions: { globals: { ...globals.jest, ...globals.node } },
    // Tests poke at untyped JSON bodies and private members on purpose.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
