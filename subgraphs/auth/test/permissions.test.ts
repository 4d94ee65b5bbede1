// Every field the auth subgraph serves has an explicit rule, and every rule names a real field.
// Unlisted fields would be denied anyway; this keeps the list honest, so a new field is a
// deliberate decision rather than a silent FORBIDDEN.
import { fileURLToPath } from 'node:url';
import { buildASTSchema, isObjectType } from 'graphql';
import { isPublic, loadSubgraphTypeDefs } from '@omni/core';
import { describe, expect, test } from 'vitest';
import { permissions } from '../src/permissions.js';

// The SDL as written (federation directives are not validated here); core adds and allows the
// federation plumbing (_service, _entities) itself.
const typeDefs = loadSubgraphTypeDefs(fileURLToPath(new URL('../src/schema', import.meta.url)));
const schema = buildASTSchema(typeDefs, { assumeValidSDL: true });

/** Shared types from common.graphql that this subgraph does not serve. */
const NOT_OURS = new Set<string>();

/** The only operations anonymous callers may use: each proves who the caller is by itself. */
const PUBLIC_OPERATIONS = [
  'Mutation.acceptInvitation',
  'Mutation.logIn',
  'Mutation.refreshSession',
  'Mutation.requestPasswordReset',
  'Mutation.resetPassword',
  'Mutation.signUp',
  'Mutation.verifyMfa',
];

const schemaFields = Object.values(schema.getTypeMap())
  .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
  .flatMap((type) => (isObjectType(type) ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []))
  .filter((field) => !NOT_OURS.has(field))
  .sort();

const ruleFields = Object.entries(permissions)
  .flatMap(([type, fields]) => Object.keys(fields as object).map((field) => `${type}.${field}`))
  .sort();

describe('permissions', () => {
  test('list exactly the fields of the schema', () => {
    expect(ruleFields).toEqual(schemaFields);
  });

  test('leave only the credential-proving operations open among the root fields', () => {
    const open = ['Query', 'Mutation'].flatMap((type) =>
      Object.entries(permissions[type] as Record<string, unknown>)
        .filter(([, rule]) => rule === isPublic)
        .map(([field]) => `${type}.${field}`),
    );
    expect(open.sort()).toEqual(PUBLIC_OPERATIONS);
  });
});
