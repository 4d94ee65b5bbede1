// Turning TOTP off ends every other session of the person, in every company (security.md A-09,
// "refresh after MFA reset"): revoked as MFA_DISABLED, audited, published for the gateway, so a
// refresh or access token taken before the reset stops working. The calling session stays.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import {
  DISABLE_COUNTING,
  enrolledUser,
  joinAnotherCompany,
  LOG_IN_MFA,
  mfaSession,
  midStep,
  mutate,
  oathtoolCode,
  RELAXED_LIMITS,
  requireOathtool,
  STEP_SECONDS,
} from './mfa-support.js';
import { auditOf, refresh, SessionStates, sessionRow } from './session-fixtures.js';

let auth: AuthHarness;
let states: SessionStates;
beforeAll(async () => {
  requireOathtool();
  auth = await startAuth(RELAXED_LIMITS);
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

describe.concurrent('disableTotp and sessions', () => {
  test('ends every other session of the person in every company; the calling one stays', async () => {
    const user = await enrolledUser(auth);
    // A stolen session in the same company, the caller's own, and one in another company.
    const stolen = await mfaSession(auth, user, String(user.recoveryCodes[0]));
    const caller = await mfaSession(auth, user, String(user.recoveryCodes[1]));
    const { companyId: otherCompanyId, owner: otherOwner } = await joinAnotherCompany(auth, user.userId);
    const elsewhere = await mfaSession(auth, user, String(user.recoveryCodes[2]));
    expect(elsewhere.principal.companyId).toBe(otherCompanyId);

    const { result } = await mutate(auth, DISABLE_COUNTING, { password: user.password, code: oathtoolCode(user.secret, await midStep()) }, caller.principal);

    // The sign-up session counts too.
    expect(result).toEqual({ __typename: 'TotpDisabled', disabledAt: expect.any(String), otherSessionsRevoked: 3 });
    for (const sessionId of [user.principal.sessionId, stolen.principal.sessionId, elsewhere.principal.sessionId]) {
      expect(await sessionRow(auth, sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'MFA_DISABLED' });
      // What the gateway reads: the session's access tokens are refused from now on.
      expect(await states.of(sessionId)).toEqual({ status: 'revoked' });
    }
    for (const ended of [stolen, elsewhere]) expect(await refresh(auth, ended.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    expect(await sessionRow(auth, caller.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await states.of(caller.principal.sessionId)).not.toEqual({ status: 'revoked' });
    expect(await refresh(auth, caller.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
    // The other company's owner is not touched.
    expect(await sessionRow(auth, otherOwner.sessionId)).toMatchObject({ revokedAt: null });

    const revokedHere = await auditOf(auth, user.companyId, 'SESSION_REVOKED');
    expect(revokedHere.map((e) => e.targetId).sort()).toEqual([user.principal.sessionId, stolen.principal.sessionId].sort());
    for (const event of revokedHere) expect(event).toMatchObject({ actorUserId: user.userId, metadata: { reason: 'MFA_DISABLED' } });
    expect(await auditOf(auth, otherCompanyId, 'SESSION_REVOKED')).toEqual([
      expect.objectContaining({ actorUserId: user.userId, targetId: elsewhere.principal.sessionId, metadata: { reason: 'MFA_DISABLED' } }),
    ]);
    expect(await auditOf(auth, user.companyId, 'MFA_DISABLED')).toEqual([expect.objectContaining({ actorUserId: user.userId, targetId: user.userId })]);
  });

  test('a refused disable (wrong password or code) ends no session', async () => {
    const user = await enrolledUser(auth);
    const other = await mfaSession(auth, user, String(user.recoveryCodes[0]));
    const now = await midStep();

    const wrongPassword = await mutate(auth, DISABLE_COUNTING, { password: `${user.password}-x`, code: oathtoolCode(user.secret, now) }, user.principal);
    const wrongCode = await mutate(auth, DISABLE_COUNTING, { password: user.password, code: oathtoolCode(user.secret, now + 9 * STEP_SECONDS) }, user.principal);

    for (const attempt of [wrongPassword, wrongCode]) expect(attempt.result?.__typename).toBe('InvalidCredentials');
    for (const sessionId of [user.principal.sessionId, other.principal.sessionId]) {
      expect(await sessionRow(auth, sessionId)).toMatchObject({ revokedAt: null });
      expect(await states.of(sessionId)).not.toEqual({ status: 'revoked' });
    }
    expect(await refresh(auth, other.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
    expect(await auditOf(auth, user.companyId, 'SESSION_REVOKED')).toEqual([]);
    expect((await mutate(auth, LOG_IN_MFA, { email: user.email, password: user.password })).result?.__typename).toBe('MfaRequired');
  });
});
