// changePassword: the current password is proved, the new one stored, and every other session of
// the person ends, in every company they belong to; the calling session stays signed in.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MODULES, type Principal } from '@omni/core';
import { callLogIn, signUp, startAuth, type AuthHarness } from './harness.js';
import { auditOf, CHANGE_PASSWORD, codesOf, logIn, personFrom, refresh, SessionStates, sessionRow, type SessionResult } from './session-fixtures.js';

let auth: AuthHarness;
let states: SessionStates;
beforeAll(async () => {
  // A short lockout policy so the guessing test stays small; the defaults apply otherwise.
  auth = await startAuth({
    abuse: { policies: { logIn: { ipPoints: 1000, ipWindowSeconds: 60, failuresBeforeLockout: 3, lockoutBaseSeconds: 60, lockoutMaxSeconds: 60, lockoutMemorySeconds: 600 } } },
  });
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

async function changePassword(principal: Principal, input: Record<string, unknown>) {
  return auth.call<{ changePassword: SessionResult }>(CHANGE_PASSWORD, { input }, principal);
}

async function passwordRow(userId: string) {
  const [row] = await auth.sql<{ passwordHash: string; passwordChangedAt: Date | null }>(
    'SELECT "passwordHash", "passwordChangedAt" FROM "User" WHERE id = $1',
    [userId],
  );
  return row;
}

const NEW_PASSWORD = 'a-brand-new-password-42';

describe.concurrent('changePassword', () => {
  test('stores the new password and ends every other session in every company', async () => {
    const { input, payload } = await signUp(auth);
    const caller = { ...payload, principal: await personFrom(auth, payload.accessToken) };
    const sameCompany = await logIn(auth, input);
    // A second company the person belongs to, with a session there.
    const other = await signUp(auth);
    const otherCompanyId = other.payload.user.company.id;
    await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [otherCompanyId, payload.user.id, 'MEMBER']);
    await auth.sql('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [otherCompanyId, payload.user.id]);
    const elsewhere = await logIn(auth, input);
    expect(elsewhere.principal.companyId).toBe(otherCompanyId);

    const response = await changePassword(caller.principal, { currentPassword: input.password, newPassword: NEW_PASSWORD });

    expect(response.data?.changePassword).toEqual({ __typename: 'PasswordChanged', ok: true, otherSessionsRevoked: 2 });
    for (const ended of [sameCompany, elsewhere]) {
      expect(await sessionRow(auth, ended.principal.sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'PASSWORD_CHANGED' });
      expect(await states.of(ended.principal.sessionId)).toEqual({ status: 'revoked' });
      expect(await refresh(auth, ended.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    }
    expect(await sessionRow(auth, caller.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await refresh(auth, caller.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
    expect((await passwordRow(payload.user.id))?.passwordChangedAt).toBeInstanceOf(Date);
    expect((await callLogIn(auth, { email: input.email, password: input.password })).data?.logIn.__typename).toBe('InvalidCredentials');
    expect((await callLogIn(auth, { email: input.email, password: NEW_PASSWORD })).data?.logIn.__typename).toBe('AuthPayload');
    expect(await auditOf(auth, caller.principal.companyId, 'PASSWORD_CHANGED')).toEqual([
      expect.objectContaining({ actorUserId: payload.user.id, targetId: payload.user.id }),
    ]);
    expect(await auditOf(auth, otherCompanyId, 'SESSION_REVOKED')).toEqual([
      expect.objectContaining({ targetId: elsewhere.principal.sessionId, metadata: { reason: 'PASSWORD_CHANGED' } }),
    ]);
    // The other company's owner keeps their session.
    const otherOwner = await personFrom(auth, other.payload.accessToken);
    expect(await sessionRow(auth, otherOwner.sessionId)).toMatchObject({ revokedAt: null });
  });

  test('a wrong current password changes nothing', async () => {
    const { input, payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    const second = await logIn(auth, input);
    const before = await passwordRow(payload.user.id);

    const response = await changePassword(principal, { currentPassword: `${input.password}-wrong`, newPassword: NEW_PASSWORD });

    expect(response.data?.changePassword).toEqual({ __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    expect(await passwordRow(payload.user.id)).toEqual(before);
    expect(await sessionRow(auth, second.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await auditOf(auth, principal.companyId, 'PASSWORD_CHANGED')).toEqual([]);
  });

  test('repeated wrong current passwords lock the account out like failed log-ins', async () => {
    const { input, payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    const wrong = { currentPassword: 'not-the-password', newPassword: NEW_PASSWORD };
    for (let i = 0; i < 3; i += 1) expect((await changePassword(principal, wrong)).data?.changePassword.__typename).toBe('InvalidCredentials');

    expect(codesOf(await changePassword(principal, { currentPassword: input.password, newPassword: NEW_PASSWORD }))).toEqual(['RATE_LIMITED']);
    expect(await passwordRow(payload.user.id)).toMatchObject({ passwordChangedAt: null });
  });

  test.each([
    ['a new password under 12 characters', { newPassword: 'short' }, ['input.newPassword']],
    ['a new password over 128 characters', { newPassword: 'n'.repeat(129) }, ['input.newPassword']],
    ['the current password as the new one', {}, ['input.newPassword']],
    ['an empty current password', { currentPassword: '' }, ['input.currentPassword']],
    ['an oversized current password', { currentPassword: 'c'.repeat(100_000) }, ['input.currentPassword']],
  ])('%s gives ValidationFailed naming the field and writes nothing', async (_case, overrides, fields) => {
    const { input, payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    const second = await logIn(auth, input);
    const before = await passwordRow(payload.user.id);
    // By default the new password is the current one: only the last rule of newPassword fails.
    const change = { currentPassword: input.password, newPassword: input.password, ...overrides };

    const result = (await changePassword(principal, change)).data?.changePassword;

    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(fields);
    expect(await passwordRow(payload.user.id)).toEqual(before);
    expect(await sessionRow(auth, second.principal.sessionId)).toMatchObject({ revokedAt: null });
  });

  test('API keys and anonymous callers cannot change a password', async () => {
    const { input, payload } = await signUp(auth);
    const apiKey: Principal = {
      kind: 'apiKey',
      apiKeyId: randomUUID(),
      serviceAccountId: randomUUID(),
      companyId: payload.user.company.id,
      scopes: ['members:manage'],
      modules: [...MODULES],
    };
    const change = { currentPassword: input.password, newPassword: NEW_PASSWORD };
    expect(codesOf(await changePassword(apiKey, change))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(CHANGE_PASSWORD, { input: change }, null))).toEqual(['UNAUTHENTICATED']);
    expect(await passwordRow(payload.user.id)).toMatchObject({ passwordChangedAt: null });
  });
});
