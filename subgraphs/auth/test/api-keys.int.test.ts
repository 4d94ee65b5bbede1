// Service accounts and API keys in the Auth subgraph: keys are shown once and stored hashed,
// scopes never exceed the creator's permissions, only people with apikeys:manage manage them,
// every change is audited, bad input writes nothing, and a revocation reaches the live state.
import { createHash, randomUUID } from 'node:crypto';
import { PERMISSIONS, principalStateKeys } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CREATE_API_KEY, CREATE_SERVICE_ACCOUNT, countRows, createKey, ownerWithServiceAccount, REVOKE_API_KEY } from './api-keys-fixtures.js';
import { startAuth, type AuthHarness } from './harness.js';
import { apiKeyPrincipal, auditActions, codesOf, LiveState, principalOf, resultOf } from './members-fixtures.js';

let auth: AuthHarness;
let live: LiveState;
beforeAll(async () => {
  auth = await startAuth();
  live = new LiveState(auth);
});
afterAll(async () => {
  live?.close();
  await auth?.close();
});

const fieldsOf = (result: { fields?: Array<{ field: string }> }) => result.fields?.map((f) => f.field).sort();

describe.concurrent('createServiceAccount', () => {
  test('creates the account and audits it; a taken name is a typed conflict that writes nothing', async () => {
    const owner = await ownerWithServiceAccount(auth);
    expect(await countRows(auth, 'ServiceAccount', owner.companyId)).toBe(1);
    expect(await auditActions(auth, owner.companyId)).toContain('SERVICE_ACCOUNT_CREATED');
    const taken = resultOf<{ __typename: string; code: string }>(await auth.call(CREATE_SERVICE_ACCOUNT, { input: { name: ' Partner sync ' } }, owner.principal), 'createServiceAccount');
    expect(taken).toMatchObject({ __typename: 'ServiceAccountNameTaken', code: 'CONFLICT' });
    expect(await countRows(auth, 'ServiceAccount', owner.companyId)).toBe(1);
  });

  test('bad input names the field and writes nothing', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const result = resultOf<{ __typename: string; fields?: Array<{ field: string }> }>(await auth.call(CREATE_SERVICE_ACCOUNT, { input: { name: ' '.repeat(3) } }, owner.principal), 'createServiceAccount');
    expect(result).toMatchObject({ __typename: 'ValidationFailed' });
    expect(fieldsOf(result)).toEqual(['input.name']);
    expect(await countRows(auth, 'ServiceAccount', owner.companyId)).toBe(1);
  });
});

describe.concurrent('createApiKey', () => {
  test('returns the key once; only its SHA-256 is stored; the prefix starts the key; audited', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const { secret, key } = await createKey(auth, owner, { scopes: ['MEMBERS_READ', 'COMPANY_READ', 'MEMBERS_READ'] });
    expect(secret).toMatch(/^omk_[A-Za-z0-9_-]{86}$/);
    expect(key.prefix).toHaveLength(34);
    expect(secret.startsWith(key.prefix)).toBe(true);
    // The prefix names the key, not just its company.
    const other = await createKey(auth, owner, { scopes: ['MEMBERS_READ'] });
    expect(other.key.prefix).not.toBe(key.prefix);
    expect(key.scopes.sort()).toEqual(['COMPANY_READ', 'MEMBERS_READ']);
    const rows = await auth.sql<{ keyHash: string }>('SELECT * FROM "ApiKey" WHERE id = $1', [key.id]);
    expect(rows[0]?.keyHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(34));
    expect(await auditActions(auth, owner.companyId)).toContain('API_KEY_CREATED');
  });

  test('refuses scopes the creator does not hold, naming them, and writes nothing', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const admin = { ...owner.principal, role: 'ADMIN' as const };
    const variables = { input: { serviceAccountId: owner.serviceAccountId, name: 'too much', scopes: ['MEMBERS_READ', 'OWNERS_MANAGE'] } };
    const result = resultOf(await auth.call(CREATE_API_KEY, variables, admin), 'createApiKey');
    expect(result).toEqual({ __typename: 'ScopesNotHeld', code: 'FORBIDDEN', message: expect.any(String), scopes: ['OWNERS_MANAGE'] });
    expect(await countRows(auth, 'ApiKey', owner.companyId)).toBe(0);
  });

  test('bad input names every bad field and writes nothing', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const input = { serviceAccountId: 'not-an-id', name: '', scopes: [], expiresAt: new Date(Date.now() - 60_000).toISOString() };
    const result = resultOf(await auth.call(CREATE_API_KEY, { input }, owner.principal), 'createApiKey');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(fieldsOf(result)).toEqual(['input.expiresAt', 'input.name', 'input.scopes', 'input.serviceAccountId']);
    const notADate = resultOf(await auth.call(CREATE_API_KEY, { input: { ...input, serviceAccountId: owner.serviceAccountId, name: 'x', scopes: ['MEMBERS_READ'], expiresAt: 'tomorrow' } }, owner.principal), 'createApiKey');
    expect(fieldsOf(notADate)).toEqual(['input.expiresAt']);
    expect(await countRows(auth, 'ApiKey', owner.companyId)).toBe(0);
  });

  test('another company’s service account is not found, and nothing is written in either', async () => {
    const a = await ownerWithServiceAccount(auth);
    const b = await ownerWithServiceAccount(auth);
    const variables = { input: { serviceAccountId: b.serviceAccountId, name: 'cross', scopes: ['MEMBERS_READ'] } };
    expect(resultOf(await auth.call(CREATE_API_KEY, variables, a.principal), 'createApiKey')).toMatchObject({ __typename: 'ServiceAccountNotFound', code: 'NOT_FOUND' });
    expect((await countRows(auth, 'ApiKey', a.companyId)) + (await countRows(auth, 'ApiKey', b.companyId))).toBe(0);
  });

  test('only people with apikeys:manage: members and API keys (whatever their scopes) are refused', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const variables = { input: { serviceAccountId: owner.serviceAccountId, name: 'nope', scopes: ['MEMBERS_READ'] } };
    const member = principalOf(randomUUID(), owner.companyId, 'MEMBER');
    const key = apiKeyPrincipal(owner.companyId, [...PERMISSIONS]);
    for (const principal of [member, key]) {
      expect(codesOf(await auth.call(CREATE_API_KEY, variables, principal))).toEqual(['FORBIDDEN']);
      expect(codesOf(await auth.call(CREATE_SERVICE_ACCOUNT, { input: { name: randomUUID() } }, principal))).toEqual(['FORBIDDEN']);
    }
    expect(codesOf(await auth.call(CREATE_API_KEY, variables))).toEqual(['UNAUTHENTICATED']);
    expect(await countRows(auth, 'ApiKey', owner.companyId)).toBe(0);
  });
});

describe.concurrent('revokeApiKey', () => {
  test('revokes, audits once, and publishes the key as invalid for the gateway', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const { secret, key } = await createKey(auth, owner);
    const hash = createHash('sha256').update(secret).digest('hex');
    const revoked = resultOf<{ revokedAt: string }>(await auth.call(REVOKE_API_KEY, { input: { id: key.id } }, owner.principal), 'revokeApiKey');
    expect(revoked).toMatchObject({ __typename: 'ApiKey', id: key.id, revokedAt: expect.any(String) });
    expect(await live.get(principalStateKeys.apiKey(hash))).toEqual({ status: 'invalid' });
    const again = resultOf(await auth.call(REVOKE_API_KEY, { input: { id: key.id } }, owner.principal), 'revokeApiKey');
    expect(again).toEqual(revoked);
    expect((await auditActions(auth, owner.companyId)).filter((a) => a === 'API_KEY_REVOKED')).toHaveLength(1);
  });

  test('an unknown id, another company’s key and a malformed id change nothing', async () => {
    const a = await ownerWithServiceAccount(auth);
    const b = await ownerWithServiceAccount(auth);
    const { key } = await createKey(auth, b);
    for (const id of [randomUUID(), key.id]) {
      expect(resultOf(await auth.call(REVOKE_API_KEY, { input: { id } }, a.principal), 'revokeApiKey')).toMatchObject({ __typename: 'ApiKeyNotFound', code: 'NOT_FOUND' });
    }
    const malformed = resultOf(await auth.call(REVOKE_API_KEY, { input: { id: 'x' } }, a.principal), 'revokeApiKey');
    expect(fieldsOf(malformed)).toEqual(['input.id']);
    const [row] = await auth.sql<{ revokedAt: Date | null }>('SELECT "revokedAt" FROM "ApiKey" WHERE id = $1', [key.id]);
    expect(row?.revokedAt).toBeNull();
  });
});
