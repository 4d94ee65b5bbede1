import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { BANNER, codegenConfig, discoverMappers } from '../../codegen.js';
import { staleGeneratedFiles } from '../../scripts/codegen-check.js';
import { repoRoot } from '../../scripts/compose.js';
import { fixtureRoot, writeFixture } from './fixture-root.js';

const OUTPUT = 'subgraphs/accounts/src/generated/resolvers.ts';

// The same layout as the real repository: shared SDL carrying the federation @link, then the
// subgraph's own files using @key and @shareable, plus its context and mappers modules.
const files = {
  'supergraph.yaml': `
federation_version: =2.9.0
subgraphs:
  accounts:
    routing_url: http://127.0.0.1:4101/graphql
    schema:
      files: [shared/common.graphql, subgraphs/accounts/src/schema/*.graphql]
`,
  'shared/common.graphql': /* GraphQL */ `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
    "An ISO-8601 date-time."
    scalar DateTime
    type PageInfo @shareable { hasNextPage: Boolean! }
  `,
  'subgraphs/accounts/src/schema/user.graphql': /* GraphQL */ `
    type User @key(fields: "id") { id: ID! email: String! createdAt: DateTime! status: Status! }
    enum Status { ACTIVE DISABLED }
    type Query { me: User }
  `,
  'subgraphs/accounts/src/context.ts': 'export interface SubgraphContext { userId: string }\n',
  'subgraphs/accounts/src/mappers.ts': [
    "export interface UserMapper { id: string; email: string; createdAt: Date; status: 'ACTIVE' | 'DISABLED' }",
    '// No GraphQL type Ghost exists: importing this mapper would be an unused import.',
    'export type GhostMapper = { ghost: true };',
    '',
  ].join('\n'),
  // A resolver map written against the generated types, to prove they typecheck strictly.
  'subgraphs/accounts/src/resolvers.ts': `
import type { Resolvers } from './generated/resolvers.js';
export const resolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => ({ id: ctx.userId, email: 'a@b.c', createdAt: new Date(), status: 'ACTIVE' }),
  },
  User: {
    createdAt: (user) => user.createdAt.toISOString(),
    __resolveReference: (ref) => ({ id: ref.id, email: 'a@b.c', createdAt: new Date(), status: 'DISABLED' }),
  },
};
`,
};

async function generateInto(root: string): Promise<string> {
  const [output] = (await generate({ ...codegenConfig(root), silent: true }, true)) as { content: string }[];
  if (!output) throw new Error('codegen produced no output');
  return output.content;
}

/** Type errors of the fixture's TypeScript files under the repository's own compiler options. */
function typeErrors(root: string): string[] {
  const { config } = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const program = ts.createProgram(
    ['context.ts', 'mappers.ts', 'resolvers.ts', 'generated/resolvers.ts'].map((f) =>
      join(root, 'subgraphs/accounts/src', f),
    ),
    // The fixture lives outside the repository: resolve graphql from here, skip @types/node.
    { ...options, types: [], paths: { graphql: [join(repoRoot, 'node_modules/graphql')] } },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('codegen.ts', () => {
  it('generates federation-aware resolver types despite @link and @shareable', async () => {
    const code = await generateInto(fixtureRoot(files));
    expect(code.split('\n')[0]).toBe(BANNER);
    expect(code).toContain("import type { SubgraphContext } from '../context.js';");
    expect(code).toContain("import type { UserMapper } from '../mappers.js';");
    expect(code).not.toContain('GhostMapper');
    expect(code).toMatch(/__resolveReference\?: ReferenceResolver</);
    expect(code).toMatch(/export type Status =\s*\| 'ACTIVE'\s*\| 'DISABLED';/);
    expect(code).toContain("DateTime: { input: string; output: string; }");
  });

  it('generates code that passes the strict typecheck with the subgraph context and mappers', async () => {
    const root = fixtureRoot(files);
    await generateInto(root);
    expect(typeErrors(root)).toEqual([]);
  });
});

describe('pnpm codegen:check', () => {
  it('names missing and stale files and leaves them untouched', async () => {
    const root = fixtureRoot(files);
    expect(await staleGeneratedFiles(root)).toEqual([OUTPUT]);

    await generateInto(root);
    expect(await staleGeneratedFiles(root)).toEqual([]);

    const before = readFileSync(join(root, OUTPUT), 'utf8');
    writeFixture(root, 'subgraphs/accounts/src/schema/user.graphql', 'type Query { ping: Boolean }\n');
    expect(await staleGeneratedFiles(root)).toEqual([OUTPUT]);
    expect(readFileSync(join(root, OUTPUT), 'utf8')).toBe(before);
  });
});

describe('discoverMappers', () => {
  it('binds every exported <Type>Mapper whose type is in the schema', () => {
    const source = 'export type UserMapper = {};\nexport interface CompanyMapper {}\nexport type Other = {};';
    expect(discoverMappers(source, 'type User { id: ID! }\ninterface Company { id: ID! }')).toEqual({
      User: '../mappers.js#UserMapper',
      Company: '../mappers.js#CompanyMapper',
    });
  });
});
