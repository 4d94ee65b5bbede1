// acceptInvitation: new and existing accounts, the one answer for every unusable link, single use
// under concurrency, and nothing written whenever the answer is not a session.
import { randomUUID } from 'node:crypto';
import { createScopedToken, principalStateKeys } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callLogIn, principalFrom, startAuth, verifyAccessToken, type AuthHarness } from './harness.js';
import { ACCEPT, invite } from './invitations-fixtures.js';
import { companyWith, invitationTokenFor, LiveState, membershipOf, resultOf, uniqueEmail, type CompanyFixture } from './members-fixtures.js';

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

type Accepted = { __typename: string; accessToken?: string; user?: { id: string; email: string; name: string; role: string; company: { id: string } } };

const newAccount = { name: 'New Person', password: 'a-long-enough-password' };

/** A company that invited a fresh email as MEMBER, with the secret from the queued email. */
async function invited(role: 'MEMBER' | 'ADMIN' = 'MEMBER', email = uniqueEmail(), company?: CompanyFixture) {
  const fixture = company ?? (await companyWith(auth));
  const { invitation } = await invite(auth, fixture.owner.principal, email, role);
  return { ...fixture, email, invitationId: invitation.id, token: await invitationTokenFor(auth, email) };
}

async function invitationState(id: string) {
  const [row] = await auth.sql<{ acceptedAt: Date | null }>('SELECT "acceptedAt" FROM "Invitation" WHERE id = $1', [id]);
  return row?.acceptedAt ? 'accepted' : 'pending';
}

const usersWithEmail = async (email: string) =>
  (await auth.sql<{ n: number }>('SELECT count(*)::int AS n FROM "User" WHERE email = $1', [email]))[0]?.n;

describe.concurrent('acceptInvitation, new account', () => {
  test('creates the account and membership and returns a session in the inviting company', async () => {
    const { companyId, email, token, invitationId } = await invited('ADMIN');

    const response = await auth.call(ACCEPT, { input: { token, ...newAccount } });

    const result = resultOf<Accepted>(response, 'acceptInvitation');
    expect(result).toMatchObject({ __typename: 'AuthPayload', user: { email, name: newAccount.name, role: 'ADMIN', company: { id: companyId } } });
    expect(JSON.stringify(response)).not.toContain(token);
    const { payload: claims } = await verifyAccessToken(auth, result.accessToken!);
    expect(claims).toMatchObject({ sub: result.user!.id, cid: companyId, role: 'ADMIN', ver: 1 });
    expect(await membershipOf(auth, companyId, result.user!.id)).toEqual({ role: 'ADMIN', version: 1 });
    expect(await invitationState(invitationId)).toBe('accepted');
    expect(await live.get(principalStateKeys.membership(companyId, result.user!.id))).toEqual({ status: 'active', role: 'ADMIN', version: 1 });
    const [event] = await auth.sql('SELECT "actorUserId", "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'INVITATION_ACCEPTED']);
    expect(event).toEqual({ actorUserId: result.user!.id, targetId: invitationId, metadata: { role: 'ADMIN', newAccount: true } });
    expect(JSON.stringify(await auth.sql('SELECT metadata FROM "AuditEvent" WHERE "companyId" = $1', [companyId]))).not.toContain(token);
    // The new password signs in, to the company joined.
    const login = await callLogIn(auth, { email, password: newAccount.password });
    expect(login.data?.logIn.user?.company.id).toBe(companyId);
  });

  test('without name and password: ValidationFailed naming both, nothing written', async () => {
    const { email, token, invitationId } = await invited();
    const result = resultOf(await auth.call(ACCEPT, { input: { token } }), 'acceptInvitation');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.name' }, { field: 'input.password' }] });
    expect(await invitationState(invitationId)).toBe('pending');
    expect(await usersWithEmail(email)).toBe(0);
  });

  test('a too short password: ValidationFailed naming input.password, nothing written', async () => {
    const { email, token, invitationId } = await invited();
    const result = resultOf(await auth.call(ACCEPT, { input: { token, name: 'X', password: 'short' } }), 'acceptInvitation');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.password' }] });
    expect(await invitationState(invitationId)).toBe('pending');
    expect(await usersWithEmail(email)).toBe(0);
  });

  test('is single use, also when two acceptances race', async () => {
    const { email, token } = await invited();
    const results = await Promise.all([0, 1].map(() => auth.call(ACCEPT, { input: { token, ...newAccount } })));
    expect(results.map((r) => resultOf<Accepted>(r, 'acceptInvitation').__typename).sort()).toEqual(['AuthPayload', 'InvalidInvitation']);
    expect(await usersWithEmail(email)).toBe(1);
    const again = resultOf<Accepted>(await auth.call(ACCEPT, { input: { token, ...newAccount } }), 'acceptInvitation');
    expect(again.__typename).toBe('InvalidInvitation');
  });
});

describe.concurrent('acceptInvitation, existing account', () => {
  test('signed in as the invited person: joins and gets a session there, account unchanged', async () => {
    const joiner = await companyWith(auth);
    const { companyId, token } = await invited('MEMBER', joiner.owner.email);
    const [before] = await auth.sql('SELECT "passwordHash", name FROM "User" WHERE id = $1', [joiner.owner.userId]);

    const result = resultOf<Accepted>(await auth.call(ACCEPT, { input: { token } }, joiner.owner.principal), 'acceptInvitation');

    expect(result).toMatchObject({ __typename: 'AuthPayload', user: { id: joiner.owner.userId, role: 'MEMBER', company: { id: companyId } } });
    expect((await principalFrom(auth, result.accessToken!)).companyId).toBe(companyId);
    expect(await membershipOf(auth, companyId, joiner.owner.userId)).toEqual({ role: 'MEMBER', version: 1 });
    expect(await auth.sql('SELECT "passwordHash", name FROM "User" WHERE id = $1', [joiner.owner.userId])).toEqual([before]);
  });

  test('not signed in, or signed in as someone else: SignInToAccept, nothing written', async () => {
    const joiner = await companyWith(auth);
    const someoneElse = await companyWith(auth);
    const { companyId, token, invitationId } = await invited('MEMBER', joiner.owner.email);

    const anonymous = resultOf(await auth.call(ACCEPT, { input: { token, ...newAccount } }), 'acceptInvitation');
    const other = resultOf(await auth.call(ACCEPT, { input: { token } }, someoneElse.owner.principal), 'acceptInvitation');

    expect(anonymous).toEqual({ __typename: 'SignInToAccept', code: 'UNAUTHENTICATED', message: expect.any(String) });
    expect(other).toEqual(anonymous);
    expect(await invitationState(invitationId)).toBe('pending');
    expect(await membershipOf(auth, companyId, joiner.owner.userId)).toBeNull();
    expect(await membershipOf(auth, companyId, someoneElse.owner.userId)).toBeNull();
  });

  test('already a member by then: AlreadyMember, the invitation stays pending', async () => {
    const joiner = await companyWith(auth);
    const { companyId, token, invitationId } = await invited('MEMBER', joiner.owner.email);
    await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [companyId, joiner.owner.userId, 'VIEWER']);

    const result = resultOf(await auth.call(ACCEPT, { input: { token } }, joiner.owner.principal), 'acceptInvitation');

    expect(result).toMatchObject({ __typename: 'AlreadyMember', code: 'CONFLICT' });
    expect(await invitationState(invitationId)).toBe('pending');
    expect(await membershipOf(auth, companyId, joiner.owner.userId)).toEqual({ role: 'VIEWER', version: 1 });
  });
});

describe.concurrent('acceptInvitation, unusable links', () => {
  test('unknown, malformed, expired, revoked and replaced links all give one InvalidInvitation and write nothing', async () => {
    const expired = await invited();
    await auth.sql(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [expired.invitationId]);
    const revoked = await invited();
    await auth.sql('UPDATE "Invitation" SET "revokedAt" = now() WHERE id = $1', [revoked.invitationId]);
    const replaced = await invited();
    await invite(auth, replaced.owner.principal, replaced.email, 'VIEWER');
    const tokens = [
      createScopedToken('omi_', [expired.companyId]).token,
      createScopedToken('omi_', [randomUUID()]).token,
      'omi_not-a-token',
      createScopedToken('omr_', [expired.companyId]).token,
      expired.token,
      revoked.token,
      replaced.token,
    ];

    const answers = await Promise.all(tokens.map(async (token) => resultOf(await auth.call(ACCEPT, { input: { token, ...newAccount } }), 'acceptInvitation')));

    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ __typename: 'InvalidInvitation', code: 'NOT_FOUND', message: expect.any(String) });
    for (const { email } of [expired, revoked, replaced]) expect(await usersWithEmail(email)).toBe(0);
  });
});
