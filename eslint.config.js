// One lint setup for the whole repo, including the layer rules of docs/architecture.md
// (dependencies point downwards only), in the spirit of VS Code's layer checker.
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerViolation } from './scripts/layers.mjs';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'http',
  'crypto',
];

/** core/ never sees the shell or the UI. */
const coreNeverImports = [
  {
    group: ['electron', 'electron/*'],
    message: 'core/ never imports Electron (layers: docs/architecture.md).',
  },
  {
    group: ['react', 'react-dom', 'react-dom/*', 'monaco-editor', 'monaco-editor/*'],
    message: 'core/ never imports the UI.',
  },
  {
    group: ['**/electron/**', '**/renderer/**'],
    message: 'core/ is below electron/ and renderer/.',
  },
];

/**
 * The order of core/'s layers (scripts/layers.mjs): every relative import, export ... from,
 * import() and import('...') type of a core/ module must point to its own folder or a lower tier.
 */
const coreLayers = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const from = path.relative(context.cwd, context.filename);
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = path.relative(context.cwd, path.resolve(path.dirname(context.filename), spec));
      const message = layerViolation(from, to);
      if (message) context.report({ node, message });
    };
    const source = (node) => check(node.source, node.source?.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: source,
      TSImportType(node) {
        // `source` since typescript-eslint 8.x; `argument.literal` before.
        const lit = node.source ?? node.argument?.literal;
        check(node, lit?.value);
      },
    };
  },
};

/**
 * SQLite is opened only through openDatabase() (core/store/native-binding.ts), which loads the
 * better-sqlite3 build of the runtime the process runs on (Node or Electron). Types are fine.
 */
const sqliteOnlyThroughOpenDatabase = {
  name: 'better-sqlite3',
  allowTypeImports: true,
  message:
    "open databases with openDatabase() from core/store/native-binding.ts (each runtime's own build).",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.vite/',
      'test-results/',
      'playwright-report/',
      'artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        window: 'readonly',
        document: 'readonly',
        self: 'readonly',
        location: 'readonly',
        WebSocket: 'readonly',
        MessageEvent: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // core/: its layers point downwards only (scripts/layers.mjs); tests may drive any layer.
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    plugins: { irqlab: { rules: { 'core-layers': coreLayers } } },
    rules: { 'irqlab/core-layers': 'error' },
  },
  // core/: no Electron, no DOM/UI, nothing above it.
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [sqliteOnlyThroughOpenDatabase], patterns: coreNeverImports },
      ],
    },
  },
  {
    files: ['core/store/native-binding.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreNeverImports }] },
  },
  // core/ except store, cli and testing runs anywhere JavaScript runs: no Node built-ins.
  {
    files: ['core/**/*.ts'],
    ignores: [
      'core/store/**',
      'core/cli/**',
      'core/testing/**',
      'core/import/node/**',
      'core/step/node/**',
      'core/**/*.test.ts',
      'core/**/gen-*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.filter((n) => !n.includes('*')).map((name) => ({
            name,
            message: 'this part of core/ runs in a browser or worker too: no Node built-ins.',
          })),
          patterns: [
            ...coreNeverImports,
            {
              group: ['node:*'],
              message: 'this part of core/ runs in a browser or worker too: no Node built-ins.',
            },
            {
              group: ['**/store/**', '**/cli/**', 'better-sqlite3'],
              message: 'only core/store and core/cli are Node-only.',
            },
          ],
        },
      ],
    },
  },
  // renderer/: the UI reaches the app only through the typed API client.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.filter((n) => !n.includes('*')),
            'electron',
            'better-sqlite3',
            'ws',
          ].map((name) => ({ name, message: 'the renderer has no Node or Electron.' })),
          patterns: [
            { group: ['node:*'], message: 'the renderer has no Node.' },
            {
              group: [
                '**/core/store/**',
                '**/core/cli/**',
                '**/electron/main/**',
                '**/electron/node/**',
                '**/electron/api/service*',
                '**/electron/api/dispatch*',
              ],
              message: 'the renderer talks to the app through renderer/src/api/client.ts only.',
            },
          ],
        },
      ],
    },
  },
  // electron/ never reaches into the renderer.
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [sqliteOnlyThroughOpenDatabase],
          patterns: [
            { group: ['**/renderer/**'], message: 'electron/ does not import the renderer.' },
          ],
        },
      ],
    },
  },
  // Tests poke at untyped JSON (machine files made invalid on purpose).
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
