// Lint rules, including the ones that encode the architecture (ARCHITECTURE.md):
// - workspace packages meet only through shared packages (packages/*): a subgraph never imports
//   another subgraph or the gateway, the gateway never imports a subgraph, packages/* never import
//   either; relative imports may not leave their package, so that rule cannot be sidestepped;
// - only packages/core/src/config reads process.env (plus test helpers, scripts and tool configs).
// test/tooling/lint-rules.test.ts proves each of these.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** Package names of the workspace folders under `parent`. */
function packageNames(parent) {
  const dir = path.join(root, parent);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'package.json')))
    .map((d) => JSON.parse(readFileSync(path.join(dir, d.name, 'package.json'), 'utf8')).name);
}

/** The workspace package folder a file belongs to, or undefined for root-level files. */
function packageDirOf(file) {
  const [top, name] = path.relative(root, file).split(path.sep);
  if (top === 'gateway') return 'gateway';
  if ((top === 'packages' || top === 'subgraphs') && name && path.extname(name) === '') {
    return `${top}/${name}`;
  }
  return undefined;
}

const sharedPackages = packageNames('packages')
  .filter((name) => name.startsWith('@omni/'))
  .map((name) => name.slice('@omni/'.length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/**
 * Any @omni/* import other than a shared package is an error. Matching by pattern rather than by
 * listing the current subgraphs also catches packages that do not exist yet.
 */
function onlySharedPackages(message) {
  const allowed = `(?:${sharedPackages.join('|')})(?:/|$)`;
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: `^@omni/(?!${allowed})`, message }] }],
  };
}

const noRelativeImportAcrossPackages = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports stay inside their workspace package.' },
    messages: {
      leaves:
        "'{{source}}' leaves {{pkg}}. Import another workspace package by its @omni/ name, so the dependency rules apply.",
    },
    schema: [],
  },
  create(context) {
    const own = packageDirOf(context.filename);
    if (!own) return {};
    const check = (node) => {
      const source = node?.type === 'Literal' ? node.value : undefined;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), source);
      if (packageDirOf(target) !== own) {
        context.report({ node, messageId: 'leaves', data: { source, pkg: own } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const envMessage =
  'Read configuration from loadConfig() (packages/core/src/config); only that module reads process.env.';

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/*.generated.ts', 'coverage/**', '.omni/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { omni: { rules: { 'no-relative-import-across-packages': noRelativeImportAcrossPackages } } },
    rules: {
      // Unawaited promises (BullMQ, ioredis, Prisma) lose errors and break shutdown ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Same convention as the compiler's noUnused* options: a leading _ marks "unused on purpose".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'omni/no-relative-import-across-packages': 'error',
      // Covers `process.env.X` and `const { env } = process`; the selector covers the import form.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: envMessage }],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value=/^(node:)?process$/] ImportSpecifier[imported.name='env']", message: envMessage },
      ],
    },
  },
  {
    // Where reading the environment is the point: the config module, test environments,
    // developer scripts and tool configuration files.
    files: [
      'packages/core/src/config/**',
      'packages/core/src/testing/**',
      'scripts/**',
      'test/**',
      '**/*.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['subgraphs/**'],
    rules: onlySharedPackages(
      'A subgraph imports only shared packages (packages/*): modules meet through federation entities and events, never through imports.',
    ),
  },
  {
    files: ['gateway/**'],
    rules: onlySharedPackages('The gateway imports only shared packages (packages/*), never a subgraph.'),
  },
  {
    files: ['packages/**'],
    rules: onlySharedPackages('Shared packages are the bottom layer: they never import the gateway or a subgraph.'),
  },
  {
    // Not part of any tsconfig project, so no type information; none of these files need it.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
