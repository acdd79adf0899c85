// Lint, and the layering of ../shared/DESIGN.md enforced as import rules:
//   renderer/    -> main/api only (plus its own files and UI libraries)
//   models/      -> nothing from main/, renderer/, app/
//   main/        -> models/ and itself; never app/, renderer/ or electron
//   app/server, app/cli -> main/, models/; never electron
//   app/electron -> the only folder that may import 'electron'
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const noElectron = { name: 'electron', message: "Only app/electron may import 'electron' (DESIGN.md)." };
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { paths: [noElectron], patterns }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'renderer/dist/', 'release/', 'out/', '.tmp/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['renderer/**/*.{ts,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      { group: ['**/main/*', '!**/main/api', '**/main/!(api)/**'], message: 'The renderer talks to the core only through main/api.' },
      { group: ['**/models/**', '**/app/**'], message: 'The renderer talks to the core only through main/api.' },
      { group: ['node:*', 'better-sqlite3', 'onnxruntime-node', '@rdkit/rdkit'], message: 'The renderer runs in a browser sandbox.' },
    ]),
  },
  {
    // End-to-end tests drive the real server and browser from Node: they may start hosts and read files.
    files: ['renderer/e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['models/**/*.ts'],
    rules: restrict([{ group: ['**/main/**', '**/renderer/**', '**/app/**', '@rdkit/rdkit'], message: 'models/ knows nothing of chemistry, UI or hosts.' }]),
  },
  {
    // Several processes write one workspace (a job, the host, a CLI command). A deferred transaction that reads and
    // then writes fails at once with SQLITE_BUSY when another process wrote in between (the busy timeout cannot help
    // it); BEGIN IMMEDIATE takes the write lock first, waiting through the busy timeout.
    files: ['main/**/*.ts', 'app/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[arguments.length=0] > CallExpression.callee[callee.property.name='transaction']",
          message: 'Call workspace transactions with .immediate(): several processes write one workspace.',
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: restrict([{ group: ['**/app/**', '**/renderer/**'], message: 'main/ is the core: hosts import it, never the other way.' }]),
  },
  {
    files: ['main/api/**/*.ts'],
    rules: restrict([
      { group: ['**/main/!(api)/**', '**/models/**', 'node:*', 'better-sqlite3', 'onnxruntime-node', '@rdkit/rdkit'], message: 'main/api is shared with the renderer: schemas and types only.' },
    ]),
  },
  {
    files: ['app/server/**/*.ts', 'app/cli/**/*.{ts,mjs}'],
    rules: restrict([{ group: ['**/renderer/src/**', '**/app/electron/**'], message: 'Hosts do not import each other or the UI.' }]),
  },
);
