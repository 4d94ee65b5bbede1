// changeMemberRole against the real database and Redis: the change, the live state the gateway
// reads, the permission matrix, the last-OWNER rule under concurrency, and tenant isolation.
import { randomUUID } from 'node:crypto';
import { principalStateKeys } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ME, startAuth, type AuthHarness } from './harness.js';
import { apiKeyPrincipal, auditActions, codesOf, companyWith, LiveState, membershipOf, principalOf, resultOf } from './members-fixtures.js';

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

const CHANGE_ROLE = /* GraphQL */ `
  mutation ChangeRole($input: ChangeMemberRoleInput!) {
    changeMemberRole(input: $input) {
      __typename
      ... on MemberRoleChanged { member { role user { id role } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;


describe.concurrent('changeMemberRole', () => {
  test('changes the role, bumps the version, publishes live state and audits; the next call sees it', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['MEMBER']);
    const member = people[0]!;

    const result = resultOf(await auth.call(CHANGE_ROLE, { input: { userId: member.userId, role: 'ADMIN' } }, owner.principal), 'changeMemberRole');

    expect(result).toEqual({ __typename: 'MemberRoleChanged', member: { role: 'ADMIN', user: { id: member.userId, role: 'ADMIN' } } });
    expect(await membershipOf(auth, companyId, member.userId)).toEqual({ role: 'ADMIN', version: 2 });
    expect(await live.get(principalStateKeys.membership(companyId, member.userId))).toEqual({ status: 'active', role: 'ADMIN', version: 2 });
    const [event] = await auth.sql('SELECT "actorUserId", "targetId", ip, metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'ROLE_CHANGED']);
    expect(event).toEqual({ actorUserId: owner.userId, targetId: member.userId, ip: '127.0.0.1', metadata: { from: 'MEMBER', to: 'ADMIN', version: 2 } });
    // A fresh principal (the gateway builds it from the live state) acts with the new role.
    const fresh = principalOf(member.userId, companyId, 'ADMIN');
    expect((await auth.call<{ me: { role: string } }>(ME, {}, fresh)).data?.me.role).toBe('ADMIN');
  });

  test('a demoted admin loses manage rights on the next call', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN', 'VIEWER']);
    const [admin, viewer] = people;
    await auth.call(CHANGE_ROLE, { input: { userId: admin!.userId, role: 'MEMBER' } }, owner.principal);
    const state = (await live.get(principalStateKeys.membership(companyId, admin!.userId))) as { role: 'MEMBER' };

    const response = await auth.call(CHANGE_ROLE, { input: { userId: viewer!.userId, role: 'MEMBER' } }, principalOf(admin!.userId, companyId, state.role));

    expect(codesOf(response)).toEqual(['FORBIDDEN']);
    expect(await membershipOf(auth, companyId, viewer!.userId)).toEqual({ role: 'VIEWER', version: 1 });
  });

  test.each(['MEMBER', 'VIEWER'] as const)('%s gets FORBIDDEN and nothing is written', async (role) => {
    const { companyId, people } = await companyWith(auth, [role, 'VIEWER']);
    const before = await auditActions(auth, companyId);

    const response = await auth.call(CHANGE_ROLE, { input: { userId: people[1]!.userId, role: 'ADMIN' } }, people[0]!.principal);

    expect(codesOf(response)).toEqual(['FORBIDDEN']);
    expect(await membershipOf(auth, companyId, people[1]!.userId)).toEqual({ role: 'VIEWER', version: 1 });
    expect(await auditActions(auth, companyId)).toEqual(before);
  });

  test('an ADMIN may not make an OWNER nor change an OWNER’s role (owners:manage)', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN', 'MEMBER']);
    const admin = people[0]!.principal;

    expect(codesOf(await auth.call(CHANGE_ROLE, { input: { userId: people[1]!.userId, role: 'OWNER' } }, admin))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(CHANGE_ROLE, { input: { userId: owner.userId, role: 'VIEWER' } }, admin))).toEqual(['FORBIDDEN']);
    expect(await membershipOf(auth, companyId, owner.userId)).toEqual({ role: 'OWNER', version: 1 });
    expect(await membershipOf(auth, companyId, people[1]!.userId)).toEqual({ role: 'MEMBER', version: 1 });
    // Between non-owners an ADMIN may.
    const ok = resultOf<{ __typename: string }>(await auth.call(CHANGE_ROLE, { input: { userId: people[1]!.userId, role: 'VIEWER' } }, admin), 'changeMemberRole');
    expect(ok.__typename).toBe('MemberRoleChanged');
  });

  test('the only OWNER cannot step down: LastOwner, nothing written', async () => {
    const { companyId, owner } = await companyWith(auth);
    const result = resultOf(await auth.call(CHANGE_ROLE, { input: { userId: owner.userId, role: 'ADMIN' } }, owner.principal), 'changeMemberRole');
    expect(result).toEqual({ __typename: 'LastOwner', code: 'CONFLICT', message: expect.any(String) });
    expect(await membershipOf(auth, companyId, owner.userId)).toEqual({ role: 'OWNER', version: 1 });
    expect(await auditActions(auth, companyId)).not.toContain('ROLE_CHANGED');
  });

  test('two owners demoting each other at once: one wins, one OWNER remains', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { companyId, owner, people } = await companyWith(auth, ['OWNER']);
      const other = people[0]!;

      const results = await Promise.all([
        auth.call(CHANGE_ROLE, { input: { userId: other.userId, role: 'ADMIN' } }, owner.principal),
        auth.call(CHANGE_ROLE, { input: { userId: owner.userId, role: 'ADMIN' } }, other.principal),
      ]);

      expect(results.map((r) => resultOf<{ __typename: string }>(r, 'changeMemberRole').__typename).sort()).toEqual(['LastOwner', 'MemberRoleChanged']);
      const [owners] = await auth.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Membership" WHERE "companyId" = $1 AND role = 'OWNER'`, [companyId]);
      expect(owners?.n).toBe(1);
    }
  });

  test('another company’s user and an unknown id both give NotAMember', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth, ['MEMBER']);

    const foreign = await auth.call(CHANGE_ROLE, { input: { userId: b.people[0]!.userId, role: 'VIEWER' } }, a.owner.principal);
    const unknown = await auth.call(CHANGE_ROLE, { input: { userId: randomUUID(), role: 'VIEWER' } }, a.owner.principal);

    expect(foreign).toEqual(unknown);
    expect(resultOf(foreign, 'changeMemberRole')).toEqual({ __typename: 'NotAMember', code: 'NOT_FOUND', message: expect.any(String) });
    expect(await membershipOf(auth, b.companyId, b.people[0]!.userId)).toEqual({ role: 'MEMBER', version: 1 });
  });

  test('a malformed user id is ValidationFailed naming input.userId', async () => {
    const { companyId, owner } = await companyWith(auth);
    const result = resultOf(await auth.call(CHANGE_ROLE, { input: { userId: 'not-a-uuid', role: 'ADMIN' } }, owner.principal), 'changeMemberRole');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', fields: [{ field: 'input.userId', message: expect.any(String) }] });
    expect(await auditActions(auth, companyId)).not.toContain('ROLE_CHANGED');
  });

  test('an API key with members:manage acts as itself in the audit log', async () => {
    const { companyId, people } = await companyWith(auth, ['MEMBER']);
    const key = apiKeyPrincipal(companyId, ['members:read', 'members:manage']);

    const result = resultOf<{ __typename: string }>(await auth.call(CHANGE_ROLE, { input: { userId: people[0]!.userId, role: 'VIEWER' } }, key), 'changeMemberRole');

    expect(result.__typename).toBe('MemberRoleChanged');
    const events = await auth.sql('SELECT "actorUserId", "actorApiKeyId" FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'ROLE_CHANGED']);
    expect(events).toEqual([{ actorUserId: null, actorApiKeyId: key.kind === 'apiKey' ? key.apiKeyId : null }]);
  });
});
