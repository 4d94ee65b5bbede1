// Listing service accounts (keyset pages with opaque cursors, each account with its keys) and
// the schema's Permission enum, which must name exactly the platform's permissions.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS } from '@omni/core';
import { parse, type EnumTypeDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CREATE_SERVICE_ACCOUNT, createKey, ownerWithServiceAccount, REVOKE_API_KEY, SERVICE_ACCOUNTS } from './api-keys-fixtures.js';
import { startAuth, type AuthHarness } from './harness.js';
import { codesOf, principalOf, resultOf } from './members-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

interface Page {
  edges: Array<{ cursor: string; node: { id: string; name: string; apiKeys: Array<{ id: string; revokedAt: string | null }> } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe.concurrent('serviceAccounts', () => {
  test('pages through the company’s accounts in creation order, each with its keys newest first', async () => {
    const owner = await ownerWithServiceAccount(auth);
    for (const name of ['Second', 'Third']) await auth.call(CREATE_SERVICE_ACCOUNT, { input: { name } }, owner.principal);
    const older = await createKey(auth, owner);
    const newer = await createKey(auth, owner);
    await auth.call(REVOKE_API_KEY, { input: { id: older.key.id } }, owner.principal);

    const first = resultOf<Page>(await auth.call(SERVICE_ACCOUNTS, { first: 2 }, owner.principal), 'serviceAccounts');
    expect(first.edges.map((e) => e.node.name)).toEqual(['Partner sync', 'Second']);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]?.cursor });
    expect(first.edges[0]?.node.apiKeys.map((k) => [k.id, k.revokedAt === null])).toEqual([
      [newer.key.id, true],
      [older.key.id, false],
    ]);
    const rest = resultOf<Page>(await auth.call(SERVICE_ACCOUNTS, { first: 2, after: first.pageInfo.endCursor }, owner.principal), 'serviceAccounts');
    expect(rest.edges.map((e) => e.node.name)).toEqual(['Third']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  test('shows nothing of other companies', async () => {
    const a = await ownerWithServiceAccount(auth);
    const b = await ownerWithServiceAccount(auth);
    const page = resultOf<Page>(await auth.call(SERVICE_ACCOUNTS, {}, a.principal), 'serviceAccounts');
    expect(page.edges.map((e) => e.node.id)).toEqual([a.serviceAccountId]);
    expect(page.edges.map((e) => e.node.id)).not.toContain(b.serviceAccountId);
  });

  test('refuses bad arguments with VALIDATION_FAILED naming them, and callers without apikeys:manage', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const tooMany = await auth.call(SERVICE_ACCOUNTS, { first: 1000 }, owner.principal);
    expect(codesOf(tooMany)).toEqual(['VALIDATION_FAILED']);
    expect(tooMany.errors?.[0]?.extensions?.['fields']).toEqual([expect.objectContaining({ field: 'first' })]);
    const forged = await auth.call(SERVICE_ACCOUNTS, { after: Buffer.from('{"id":"x"}').toString('base64url') }, owner.principal);
    expect(forged.errors?.[0]?.extensions?.['fields']).toEqual([expect.objectContaining({ field: 'after' })]);
    const viewer = principalOf(owner.principal.kind === 'user' ? owner.principal.userId : '', owner.companyId, 'VIEWER');
    expect(codesOf(await auth.call(SERVICE_ACCOUNTS, {}, viewer))).toEqual(['FORBIDDEN']);
  });
});

describe('the Permission enum', () => {
  test('has one value per platform permission: `members:read` is MEMBERS_READ', () => {
    const sdl = readFileSync(fileURLToPath(new URL('../src/schema/api-keys.graphql', import.meta.url)), 'utf8');
    const enumType = parse(sdl).definitions.find((d): d is EnumTypeDefinitionNode => d.kind === 'EnumTypeDefinition' && d.name.value === 'Permission');
    const values = enumType?.values?.map((v) => v.name.value);
    expect(values).toEqual(PERMISSIONS.map((p) => p.replace(':', '_').toUpperCase()));
    for (const value of enumType?.values ?? []) expect(value.description?.value).toMatch(/^[a-z]+:[a-z]+ — /);
  });
});
