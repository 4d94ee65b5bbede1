import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeFromDisk,
  parseSupergraphConfig,
  readSupergraphConfig,
  stalenessOf,
} from '../../scripts/compose.js';
import { fixtureRoot } from './fixture-root.js';

const link = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
`;

const fixtureConfig = `
federation_version: =2.9.0
subgraphs:
  accounts:
    routing_url: http://127.0.0.1:4101/graphql
    schema:
      files: [shared/link.graphql, accounts/schema/*.graphql]
  orders:
    routing_url: http://127.0.0.1:4102/graphql
    schema:
      files: [shared/link.graphql, orders/schema/*.graphql]
`;

const validFiles = {
  'supergraph.yaml': fixtureConfig,
  'shared/link.graphql': link,
  'accounts/schema/user.graphql': /* GraphQL */ `
    type User @key(fields: "id") { id: ID! name: String! }
    type Query { me: User }
  `,
  'orders/schema/order.graphql': /* GraphQL */ `
    type Order @key(fields: "id") { id: ID! buyer: User! }
    type User @key(fields: "id", resolvable: false) { id: ID! }
    type Query { orders: [Order!]! }
  `,
};

describe('supergraph.graphql in this repository', () => {
  it('is up to date with supergraph.yaml and the subgraph SDL', () => {
    const outcome = composeFromDisk();
    if ('errors' in outcome) {
      expect.fail(`pnpm compose fails:\n${outcome.errors.join('\n')}`);
    }
    expect(stalenessOf(outcome.supergraphSdl), 'run pnpm compose and commit the result').toBeUndefined();
  });

  it('lists only subgraphs with a routing URL and schema files', () => {
    const config = readSupergraphConfig();
    expect(config.subgraphs.map((s) => s.name)).toContain('auth');
  });
});

describe('compose', () => {
  it('composes SDL split over several files and subgraphs', () => {
    const outcome = composeFromDisk(fixtureRoot(validFiles));
    expect('supergraphSdl' in outcome && outcome.supergraphSdl).toMatch(/type Order\b[\s\S]*buyer: User!/);
  });

  it('reports a stale or missing supergraph.graphql', () => {
    const root = fixtureRoot(validFiles);
    const outcome = composeFromDisk(root);
    if (!('supergraphSdl' in outcome)) return expect.fail(outcome.errors.join('\n'));
    expect(stalenessOf(outcome.supergraphSdl, root)).toBe('supergraph.graphql is stale; run pnpm compose');
    writeFileSync(join(root, 'supergraph.graphql'), outcome.supergraphSdl.replace('buyer', 'seller'));
    expect(stalenessOf(outcome.supergraphSdl, root)).toBe('supergraph.graphql is stale; run pnpm compose');
    writeFileSync(join(root, 'supergraph.graphql'), outcome.supergraphSdl);
    expect(stalenessOf(outcome.supergraphSdl, root)).toBeUndefined();
  });

  it('names the subgraph, error code and file:line of a composition error', () => {
    const root = fixtureRoot({
      ...validFiles,
      'orders/schema/order.graphql': /* GraphQL */ `type Query {\n  orders: [Ordr!]!\n}\n`,
    });
    expect(composeFromDisk(root)).toEqual({
      errors: ['INVALID_GRAPHQL: [orders] Unknown type Ordr (at orders/schema/order.graphql:2:12)'],
    });
  });

  it('reports every conflict between subgraphs, one per line', () => {
    const root = fixtureRoot({
      ...validFiles,
      // Both subgraphs resolve User.name without @shareable.
      'orders/schema/order.graphql': /* GraphQL */ `
        type User @key(fields: "id") { id: ID! name: String! }
        type Query { orders: [ID!]! }
      `,
    });
    const outcome = composeFromDisk(root);
    expect('errors' in outcome && outcome.errors).toEqual([
      expect.stringMatching(/^INVALID_FIELD_SHARING: .*"User\.name".*accounts.*orders/),
    ]);
  });

  it('reports a syntax error with its file', () => {
    const root = fixtureRoot({ ...validFiles, 'orders/schema/order.graphql': 'type Query {' });
    const outcome = composeFromDisk(root);
    expect('errors' in outcome && outcome.errors[0]).toMatch(
      /^GRAPHQL_PARSE_FAILED: Syntax Error: .* \(at orders\/schema\/order\.graphql:1:13\)$/,
    );
  });

  it('fails clearly when a schema entry matches no file', () => {
    const root = fixtureRoot({ ...validFiles, 'orders/schema/order.graphql': '' });
    rmSync(join(root, 'orders'), { recursive: true });
    expect(composeFromDisk(root)).toEqual({
      errors: ['supergraph.yaml: no schema file matches "orders/schema/*.graphql"'],
    });
  });
});

describe('parseSupergraphConfig', () => {
  it('reads the rover-shaped config with a list of schema files', () => {
    expect(parseSupergraphConfig(fixtureConfig).subgraphs[0]).toEqual({
      name: 'accounts',
      routingUrl: 'http://127.0.0.1:4101/graphql',
      files: ['shared/link.graphql', 'accounts/schema/*.graphql'],
    });
  });

  it.each([
    ['subgraphs: {}\nfederation_version: =2.9.0', 'subgraphs is empty'],
    ['federation_version: 9\nsubgraphs: {}', 'federation_version must look like =2.9.0'],
    [
      'federation_version: =2.9.0\nsubgraphs:\n  a:\n    routing_url: x\n    schema: { files: [a.graphql] }',
      'subgraphs.a.routing_url must be a URL',
    ],
    [
      'federation_version: =2.9.0\nsubgraphs:\n  a:\n    routing_url: http://a/graphql\n    schema: { file: a.graphql }',
      'subgraphs.a.schema.files must be a non-empty list of paths',
    ],
  ])('rejects %j', (yaml, message) => {
    expect(() => parseSupergraphConfig(yaml)).toThrow(`supergraph.yaml: ${message}`);
  });
});
