// What a reset ends: every session of the user in every company (revoked as PASSWORD_CHANGED,
// published for the gateway, refresh tokens dead, PASSWORD_RESET audited in each company), and
// what time ends: a token older than its lifetime (the service's clock is moved forward).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, startAuth, type AuthHarness } from './harness.js';
import { requestReset, resetPassword, resetTokensFromMailbox, resultOf } from './password-reset-fixtures.js';
import { auditOf, logIn, personFrom, refresh, SessionStates, sessionRow } from './session-fixtures.js';

let auth: AuthHarness;
let states: SessionStates;
/** Added to the reset service's clock. */
let clockOffsetMs = 0;
beforeAll(async () => {
  auth = await startAuth({ passwordReset: { now: () => new Date(Date.now() + clockOffsetMs) } });
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

const newPassword = () => `new-password-${randomUUID().slice(0, 8)}`;

describe('password reset and sessions', () => {
  test('ends every session of the user in every company', async () => {
    const since = new Date();
    const { input, payload } = await signUp(auth);
    const first = { ...payload, principal: await personFrom(auth, payload.accessToken) };
    const second = await logIn(auth, input);
    // A second company the user belongs to, with a session there.
    const other = await signUp(auth);
    const otherCompanyId = other.payload.user.company.id;
    await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [otherCompanyId, payload.user.id, 'MEMBER']);
    await auth.sql('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [otherCompanyId, payload.user.id]);
    const elsewhere = await logIn(auth, input);
    expect(elsewhere.principal.companyId).toBe(otherCompanyId);

    await requestReset(auth, input.email);
    const [token] = await resetTokensFromMailbox(auth, input.email, since);
    expect(resultOf(await resetPassword(auth, token, newPassword()), 'resetPassword').__typename).toBe('PasswordResetCompleted');

    for (const ended of [first, second, elsewhere]) {
      expect(await sessionRow(auth, ended.principal.sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'PASSWORD_CHANGED' });
      expect(await states.of(ended.principal.sessionId)).toEqual({ status: 'revoked' });
      expect(await refresh(auth, ended.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    }
    for (const companyId of [payload.user.company.id, otherCompanyId]) {
      expect(await auditOf(auth, companyId, 'PASSWORD_RESET')).toEqual([
        expect.objectContaining({ actorUserId: payload.user.id, targetId: payload.user.id }),
      ]);
    }
    // The other company's owner is not touched.
    const otherOwner = await personFrom(auth, other.payload.accessToken);
    expect(await sessionRow(auth, otherOwner.sessionId)).toMatchObject({ revokedAt: null });
  });

  test('a token expires after 30 minutes', async () => {
    const since = new Date();
    const { input, payload } = await signUp(auth);
    await requestReset(auth, input.email);
    await requestReset(auth, input.email);
    const [early, late] = await resetTokensFromMailbox(auth, input.email, since, 2);

    clockOffsetMs = 31 * 60 * 1000;
    try {
      expect(resultOf(await resetPassword(auth, early, newPassword()), 'resetPassword').__typename).toBe('InvalidResetToken');
    } finally {
      clockOffsetMs = 29 * 60 * 1000;
    }
    try {
      expect(resultOf(await resetPassword(auth, late, newPassword()), 'resetPassword').__typename).toBe('PasswordResetCompleted');
    } finally {
      clockOffsetMs = 0;
    }
    expect(await auditOf(auth, payload.user.company.id, 'PASSWORD_RESET')).toHaveLength(1);
  });
});
