// Proves the architecture rules in eslint.config.js by linting snippets as if they lived at a given
// path in the repository. Nothing is written: lintText parses the text under that file name.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/compose.js';

const inAuth = 'subgraphs/auth/src/lint-fixture.ts';
const inConfig = 'packages/core/src/config/lint-fixture.ts';
const fixtures = [
  inAuth,
  inConfig,
  'subgraphs/auth/test/lint-fixture.test.ts',
  'gateway/src/lint-fixture.ts',
  'packages/core/src/lint-fixture.ts',
  'scripts/lint-fixture.ts',
  'test/lint-fixture.test.ts',
];

const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfigFile: join(repoRoot, 'eslint.config.js'),
  // The fixture files do not exist, so the TypeScript project (built from files on disk) does not
  // list them; give them the same compiler options through the project service's default project.
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: fixtures, defaultProject: 'tsconfig.json' } },
    },
  },
});

// Starting the TypeScript project service takes seconds; pay for it once, outside the tests.
beforeAll(() => eslint.lintText('', { filePath: join(repoRoot, inAuth) }), 60_000);

/** The rule ids reported for `code` at `file` (repository-relative). */
async function ruleIds(file: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('module boundaries', () => {
  it('forbids a subgraph importing another subgraph by package name', async () => {
    const code = "import { crm } from '@omni/crm';\nexport const x = crm;\n";
    expect(await ruleIds(inAuth, code)).toEqual(['no-restricted-imports']);
  });

  it('forbids a subgraph reaching into another subgraph with a relative path', async () => {
    const code = "export { crm } from '../../crm/src/crm.service.js';\n";
    expect(await ruleIds(inAuth, code)).toEqual(['omni/no-relative-import-across-packages']);
  });

  it('lets a subgraph import the shared core and its own files', async () => {
    const code = "import { loadConfig } from '@omni/core';\nimport { x } from './session/x.js';\nexport const y = [loadConfig, x];\n";
    expect(await ruleIds(inAuth, code)).toEqual([]);
  });

  it.each([
    ['gateway/src/lint-fixture.ts', '@omni/auth'],
    ['packages/core/src/lint-fixture.ts', '@omni/gateway'],
    ['packages/core/src/lint-fixture.ts', '@omni/auth/src/server.js'],
    [inAuth, '@omni/gateway'],
  ])('forbids %s importing %s', async (file, source) => {
    const code = `import * as m from '${source}';\nexport const x = m;\n`;
    expect(await ruleIds(file, code)).toEqual(['no-restricted-imports']);
  });
});

describe('process.env', () => {
  const reads = [
    "export const url = process.env['DATABASE_URL'];\n",
    'const { env } = process;\nexport const url = env.DATABASE_URL;\n',
    "import { env } from 'node:process';\nexport const url = env.DATABASE_URL;\n",
  ];

  it.each(reads)('is an error outside the config module: %s', async (code) => {
    expect(await ruleIds(inAuth, code)).toHaveLength(1);
  });

  it.each(reads)('is fine inside packages/core/src/config: %s', async (code) => {
    expect(await ruleIds(inConfig, code)).toEqual([]);
  });

  it('is fine in scripts, tests and tool configs', async () => {
    const code = reads[0] ?? '';
    expect(await ruleIds('scripts/lint-fixture.ts', code)).toEqual([]);
    expect(await ruleIds('test/lint-fixture.test.ts', code)).toEqual([]);
    expect(await ruleIds('vitest.config.ts', code)).toEqual([]);
  });
});

describe('type-aware rules', () => {
  it('reports a floating promise, also in tests', async () => {
    const code = 'async function work(): Promise<void> {}\nwork();\n';
    expect(await ruleIds(inAuth, code)).toEqual(['@typescript-eslint/no-floating-promises']);
    expect(await ruleIds('subgraphs/auth/test/lint-fixture.test.ts', code)).toEqual([
      '@typescript-eslint/no-floating-promises',
    ]);
  });

  it('reports a promise passed where a void callback is expected', async () => {
    const code = "import { EventEmitter } from 'node:events';\nnew EventEmitter().on('x', async () => {});\n";
    expect(await ruleIds(inAuth, code)).toEqual(['@typescript-eslint/no-misused-promises']);
  });

  it('reports explicit any and value imports used only as types', async () => {
    const code = "import { Config } from '@omni/core';\nexport const f = (c: Config): any => c;\n";
    expect(await ruleIds(inAuth, code)).toEqual([
      '@typescript-eslint/consistent-type-imports',
      '@typescript-eslint/no-explicit-any',
    ]);
  });
});

it('ignores generated code', async () => {
  expect(await eslint.isPathIgnored(join(repoRoot, 'subgraphs/auth/src/generated/resolvers.ts'))).toBe(true);
  expect(await eslint.isPathIgnored(join(repoRoot, 'packages/core/src/db/generated/client.ts'))).toBe(true);
});
