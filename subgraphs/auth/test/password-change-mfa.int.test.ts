// changePassword with TOTP on (security.md M-09): besides the current password it needs a second
// factor, a TOTP code or a recovery code, used up like at verifyMfa (a code accepted once, by any
// operation, is never accepted again) and counted against the same verifyMfa limits. A missing or
// wrong code changes nothing. Without TOTP nothing is asked for.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_POLICIES } from '../src/abuse/policies.js';
import { callLogIn, signUp, startAuth, type AuthHarness } from './harness.js';
import {
  CHANGE_PASSWORD_MFA,
  challengeFor,
  enrolledUser,
  joinAnotherCompany,
  LOG_IN_MFA,
  mfaSession,
  midStep,
  mutate,
  oathtoolCode,
  otplibCode,
  REGENERATE,
  requireOathtool,
  STEP_SECONDS,
  VERIFY,
  type EnrolledUser,
} from './mfa-support.js';
import { auditOf, codesOf, personFrom, refresh, SessionStates, sessionRow } from './session-fixtures.js';

/** Wrong second-factor codes lock a user out after this many (per user; per-IP limits out of the way). */
const MFA_FAILURES_BEFORE_LOCKOUT = 3;

let auth: AuthHarness;
let states: SessionStates;
beforeAll(async () => {
  requireOathtool();
  auth = await startAuth({
    abuse: {
      policies: {
        logIn: { ...DEFAULT_POLICIES.logIn, ipPoints: 10_000, failuresBeforeLockout: 1_000 },
        verifyMfa: { ...DEFAULT_POLICIES.verifyMfa, ipPoints: 10_000, failuresBeforeLockout: MFA_FAILURES_BEFORE_LOCKOUT },
      },
    },
  });
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

const NEW_PASSWORD = 'a-brand-new-password-42';
const INVALID_CODE = { __typename: 'InvalidMfaCode', code: 'INVALID_CREDENTIALS', message: expect.any(String) };

function changePassword(user: EnrolledUser, input: Record<string, unknown>, principal = user.principal) {
  return mutate(auth, CHANGE_PASSWORD_MFA, { currentPassword: user.password, newPassword: NEW_PASSWORD, ...input }, principal);
}

/** Everything a failed change must leave as it was. */
async function snapshot(user: EnrolledUser) {
  const [row] = await auth.sql('SELECT "passwordHash", "passwordChangedAt", "totpLastStep" FROM "User" WHERE id = $1', [user.userId]);
  const codes = await auth.sql('SELECT "codeHash", "usedAt" FROM "RecoveryCode" WHERE "userId" = $1 ORDER BY "codeHash"', [user.userId]);
  const sessions = await auth.sql('SELECT id, "revokedAt" FROM "Session" WHERE "userId" = $1 ORDER BY id', [user.userId]);
  const audit = await auth.sql('SELECT action FROM "AuditEvent" WHERE "actorUserId" = $1 ORDER BY "createdAt", id', [user.userId]);
  return { row, codes, sessions, audit };
}

describe.concurrent('changePassword with TOTP on', () => {
  test('without a code, or with a wrong one, it answers InvalidMfaCode and changes nothing', async () => {
    const user = await enrolledUser(auth);
    const other = await mfaSession(auth, user, String(user.recoveryCodes[0]));
    const before = await snapshot(user);
    const now = await midStep();

    const missing = await changePassword(user, {});
    const nulled = await changePassword(user, { totpCode: null });
    const wrongTotp = await changePassword(user, { totpCode: oathtoolCode(user.secret, now + 9 * STEP_SECONDS) });
    const wrongRecovery = await changePassword(user, { totpCode: 'zzzzz-zzzzz' });

    for (const attempt of [missing, nulled, wrongTotp, wrongRecovery]) expect(attempt.result).toEqual(INVALID_CODE);
    expect(await snapshot(user)).toEqual(before);
    expect(await sessionRow(auth, other.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await states.of(other.principal.sessionId)).not.toEqual({ status: 'revoked' });
    // The old password still works (as the first of two steps).
    expect((await mutate(auth, LOG_IN_MFA, { email: user.email, password: user.password })).result?.__typename).toBe('MfaRequired');
  });

  test('a wrong current password is answered first and does not use up the code', async () => {
    const user = await enrolledUser(auth);
    const code = oathtoolCode(user.secret, await midStep());

    const { result } = await changePassword(user, { currentPassword: `${user.password}-wrong`, totpCode: code });

    expect(result).toEqual({ __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user), code })).result?.__typename).toBe('AuthPayload');
  });

  test('with a TOTP code it changes the password and ends every other session in every company; the code is then used up', async () => {
    const user = await enrolledUser(auth);
    const caller = await mfaSession(auth, user, String(user.recoveryCodes[0]));
    const { companyId: otherCompanyId, owner: otherOwner } = await joinAnotherCompany(auth, user.userId);
    const elsewhere = await mfaSession(auth, user, String(user.recoveryCodes[1]));
    expect(elsewhere.principal.companyId).toBe(otherCompanyId);
    const code = oathtoolCode(user.secret, await midStep());

    const { result } = await changePassword(user, { totpCode: code }, caller.principal);

    // The sign-up session (no refresh token kept here) and the one in the other company.
    expect(result).toEqual({ __typename: 'PasswordChanged', ok: true, otherSessionsRevoked: 2 });
    for (const sessionId of [user.principal.sessionId, elsewhere.principal.sessionId]) {
      expect(await sessionRow(auth, sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'PASSWORD_CHANGED' });
      expect(await states.of(sessionId)).toEqual({ status: 'revoked' });
    }
    expect(await refresh(auth, elsewhere.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    expect(await sessionRow(auth, caller.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await refresh(auth, caller.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
    expect(await sessionRow(auth, otherOwner.sessionId)).toMatchObject({ revokedAt: null });
    expect(await auditOf(auth, user.companyId, 'PASSWORD_CHANGED')).toEqual([expect.objectContaining({ actorUserId: user.userId, targetId: user.userId })]);
    expect(await auditOf(auth, otherCompanyId, 'SESSION_REVOKED')).toEqual([
      expect.objectContaining({ targetId: elsewhere.principal.sessionId, metadata: { reason: 'PASSWORD_CHANGED' } }),
    ]);
    // The new password is the first of two steps now; the old one is refused.
    expect((await callLogIn(auth, { email: user.email, password: user.password })).data?.logIn.__typename).toBe('InvalidCredentials');
    expect((await mutate(auth, LOG_IN_MFA, { email: user.email, password: NEW_PASSWORD })).result?.__typename).toBe('MfaRequired');
    // The code was used: neither verifyMfa nor another change accepts it again.
    const again = { ...user, password: NEW_PASSWORD };
    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, again), code })).result).toEqual(INVALID_CODE);
    expect((await changePassword(again, { newPassword: `${NEW_PASSWORD}-2`, totpCode: code }, caller.principal)).result).toEqual(INVALID_CODE);
  });

  test('a code already accepted by verifyMfa is refused', async () => {
    const user = await enrolledUser(auth);
    const code = await otplibCode(user.secret, await midStep());
    await mfaSession(auth, user, code);
    const before = await snapshot(user);

    expect((await changePassword(user, { totpCode: code })).result).toEqual(INVALID_CODE);
    expect(await snapshot(user)).toEqual(before);
  });

  test('a recovery code works once, and is audited as used', async () => {
    const user = await enrolledUser(auth);
    const recoveryCode = String(user.recoveryCodes[3]);

    expect((await changePassword(user, { totpCode: recoveryCode.toUpperCase() })).result).toMatchObject({ __typename: 'PasswordChanged', ok: true });

    const [used] = await auth.sql<{ n: string }>('SELECT count(*) AS n FROM "RecoveryCode" WHERE "userId" = $1 AND "usedAt" IS NOT NULL', [user.userId]);
    expect(Number(used?.n)).toBe(1);
    expect(await auditOf(auth, user.companyId, 'RECOVERY_CODE_USED')).toEqual([expect.objectContaining({ actorUserId: user.userId, targetId: user.userId })]);
    const again = { ...user, password: NEW_PASSWORD };
    expect((await changePassword(again, { newPassword: `${NEW_PASSWORD}-2`, totpCode: recoveryCode })).result).toEqual(INVALID_CODE);
    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, again), code: recoveryCode })).result).toEqual(INVALID_CODE);
  });

  test('concurrent changes with one code: exactly one wins', async () => {
    const user = await enrolledUser(auth);
    const code = oathtoolCode(user.secret, await midStep());

    const results = await Promise.all([changePassword(user, { totpCode: code }), changePassword(user, { totpCode: code })]);

    expect(results.map((r) => r.result?.__typename).sort()).toEqual(['InvalidMfaCode', 'PasswordChanged']);
  });

  test('wrong codes count against the verifyMfa lockout, shared with the other second-factor checks', async () => {
    const user = await enrolledUser(auth);
    const now = await midStep();
    const wrong = oathtoolCode(user.secret, now + 9 * STEP_SECONDS);
    // A missing code is no guess: it is not counted.
    for (let i = 0; i < MFA_FAILURES_BEFORE_LOCKOUT + 1; i += 1) expect((await changePassword(user, {})).result).toEqual(INVALID_CODE);
    // One wrong code elsewhere and the rest here reach the lockout together.
    expect((await mutate(auth, REGENERATE, { code: wrong }, user.principal)).result).toEqual(INVALID_CODE);
    for (let i = 1; i < MFA_FAILURES_BEFORE_LOCKOUT; i += 1) expect((await changePassword(user, { totpCode: wrong })).result).toEqual(INVALID_CODE);
    const before = await snapshot(user);

    const locked = await changePassword(user, { totpCode: oathtoolCode(user.secret, now) });

    expect(codesOf(locked.response)).toEqual(['RATE_LIMITED']);
    expect(await snapshot(user)).toEqual(before);
    expect(codesOf((await mutate(auth, REGENERATE, { code: oathtoolCode(user.secret, now) }, user.principal)).response)).toEqual(['RATE_LIMITED']);
  });

  test('a malformed code gives ValidationFailed naming the field', async () => {
    const user = await enrolledUser(auth);
    const before = await snapshot(user);

    const { result } = await changePassword(user, { totpCode: '12-34' });

    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(['input.totpCode']);
    expect(await snapshot(user)).toEqual(before);
  });
});

describe.concurrent('changePassword with TOTP off', () => {
  test('needs no code, and ignores one given', async () => {
    for (const totpCode of [undefined, '123456']) {
      const { input, payload } = await signUp(auth);
      const principal = await personFrom(auth, payload.accessToken);
      const { result } = await mutate(auth, CHANGE_PASSWORD_MFA, { currentPassword: input.password, newPassword: NEW_PASSWORD, totpCode }, principal);
      expect(result).toEqual({ __typename: 'PasswordChanged', ok: true, otherSessionsRevoked: 0 });
    }
  });
});
