// Removing members and leaving a company: the membership goes, the person's sessions in that
// company end at once (rows and live state), the last OWNER stays, and nothing else is touched.
import { randomUUID } from 'node:crypto';
import { principalStateKeys } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { auditActions, codesOf, companyWith, LiveState, membershipOf, resultOf, sessionIn } from './members-fixtures.js';

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

const REMOVE = /* GraphQL */ `
  mutation Remove($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      __typename
      ... on MemberRemoved { userId revokedSessions }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

const LEAVE = /* GraphQL */ `
  mutation Leave { leaveCompany { __typename ... on MemberRemoved { userId revokedSessions } ... on UserError { code message } } }
`;

async function sessionsOf(companyId: string, userId: string) {
  return auth.sql<{ id: string; revokedReason: string | null }>(
    'SELECT id, "revokedReason" FROM "Session" WHERE "companyId" = $1 AND "userId" = $2 ORDER BY "createdAt"',
    [companyId, userId],
  );
}

describe.concurrent('removeMember', () => {
  test('deletes the membership, ends the person’s sessions there only, publishes and audits', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['MEMBER']);
    const member = people[0]!;
    const session = await sessionIn(auth, member, companyId);
    const ownCompanyId = (await auth.sql<{ companyId: string }>('SELECT "companyId" FROM "Membership" WHERE "userId" = $1 AND "companyId" <> $2', [member.userId, companyId]))[0]!.companyId;

    const result = resultOf(await auth.call(REMOVE, { input: { userId: member.userId } }, owner.principal), 'removeMember');

    expect(result).toEqual({ __typename: 'MemberRemoved', userId: member.userId, revokedSessions: 1 });
    expect(await membershipOf(auth, companyId, member.userId)).toBeNull();
    expect(await sessionsOf(companyId, member.userId)).toEqual([{ id: session.sessionId, revokedReason: 'MEMBER_REMOVED' }]);
    // Their own company and its session are untouched.
    expect(await membershipOf(auth, ownCompanyId, member.userId)).toEqual({ role: 'OWNER', version: 1 });
    expect((await sessionsOf(ownCompanyId, member.userId)).map((s) => s.revokedReason)).toEqual([null]);
    expect(await live.get(principalStateKeys.membership(companyId, member.userId))).toEqual({ status: 'removed' });
    expect(await live.get(principalStateKeys.session(session.sessionId))).toEqual({ status: 'revoked' });
    const [event] = await auth.sql('SELECT "actorUserId", "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'MEMBER_REMOVED']);
    expect(event).toEqual({ actorUserId: owner.userId, targetId: member.userId, metadata: { role: 'MEMBER', left: false, revokedSessions: 1 } });
  });

  test.each(['MEMBER', 'VIEWER'] as const)('%s gets FORBIDDEN and nothing is written', async (role) => {
    const { companyId, people } = await companyWith(auth, [role, 'VIEWER']);
    const response = await auth.call(REMOVE, { input: { userId: people[1]!.userId } }, people[0]!.principal);
    expect(codesOf(response)).toEqual(['FORBIDDEN']);
    expect(await membershipOf(auth, companyId, people[1]!.userId)).toEqual({ role: 'VIEWER', version: 1 });
    expect(await auditActions(auth, companyId)).not.toContain('MEMBER_REMOVED');
  });

  test('an ADMIN may not remove an OWNER', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN']);
    expect(codesOf(await auth.call(REMOVE, { input: { userId: owner.userId } }, people[0]!.principal))).toEqual(['FORBIDDEN']);
    expect(await membershipOf(auth, companyId, owner.userId)).toEqual({ role: 'OWNER', version: 1 });
  });

  test('the last OWNER cannot be removed; one of two can', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['OWNER']);
    const removed = resultOf<{ __typename: string }>(await auth.call(REMOVE, { input: { userId: people[0]!.userId } }, owner.principal), 'removeMember');
    const last = resultOf(await auth.call(REMOVE, { input: { userId: owner.userId } }, owner.principal), 'removeMember');

    expect(removed.__typename).toBe('MemberRemoved');
    expect(last).toEqual({ __typename: 'LastOwner', code: 'CONFLICT', message: expect.any(String) });
    expect(await membershipOf(auth, companyId, owner.userId)).toEqual({ role: 'OWNER', version: 1 });
  });

  test('concurrent removals of two owners leave one OWNER', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { companyId, owner, people } = await companyWith(auth, ['OWNER']);
      const results = await Promise.all([
        auth.call(REMOVE, { input: { userId: people[0]!.userId } }, owner.principal),
        auth.call(REMOVE, { input: { userId: owner.userId } }, people[0]!.principal),
      ]);
      expect(results.map((r) => resultOf<{ __typename: string }>(r, 'removeMember').__typename).sort()).toEqual(['LastOwner', 'MemberRemoved']);
      const [owners] = await auth.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Membership" WHERE "companyId" = $1 AND role = 'OWNER'`, [companyId]);
      expect(owners?.n).toBe(1);
    }
  });

  test('another company’s member and an unknown id give the same NotAMember; a bad id is ValidationFailed', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth, ['MEMBER']);
    const foreign = await auth.call(REMOVE, { input: { userId: b.people[0]!.userId } }, a.owner.principal);
    const unknown = await auth.call(REMOVE, { input: { userId: randomUUID() } }, a.owner.principal);
    const invalid = resultOf(await auth.call(REMOVE, { input: { userId: '1 OR 1=1' } }, a.owner.principal), 'removeMember');

    expect(foreign).toEqual(unknown);
    expect(resultOf(foreign, 'removeMember')).toMatchObject({ __typename: 'NotAMember', code: 'NOT_FOUND' });
    expect(invalid).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.userId' }] });
    expect(await membershipOf(auth, b.companyId, b.people[0]!.userId)).toEqual({ role: 'MEMBER', version: 1 });
  });
});

describe.concurrent('leaveCompany', () => {
  test('a member leaves: membership gone, their session there ended', async () => {
    const { companyId, people } = await companyWith(auth, ['VIEWER']);
    const session = await sessionIn(auth, people[0]!, companyId);

    const result = resultOf(await auth.call(LEAVE, {}, session), 'leaveCompany');

    expect(result).toEqual({ __typename: 'MemberRemoved', userId: people[0]!.userId, revokedSessions: 1 });
    expect(await membershipOf(auth, companyId, people[0]!.userId)).toBeNull();
    const [event] = await auth.sql('SELECT "actorUserId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'MEMBER_REMOVED']);
    expect(event).toEqual({ actorUserId: people[0]!.userId, metadata: { role: 'VIEWER', left: true, revokedSessions: 1 } });
  });

  test('the last OWNER cannot leave', async () => {
    const { companyId, owner } = await companyWith(auth);
    expect(resultOf(await auth.call(LEAVE, {}, owner.principal), 'leaveCompany')).toMatchObject({ __typename: 'LastOwner' });
    expect(await membershipOf(auth, companyId, owner.userId)).toEqual({ role: 'OWNER', version: 1 });
  });
});
