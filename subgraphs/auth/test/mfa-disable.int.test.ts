// Turning TOTP off needs the password AND a second-factor code, with one answer whichever is
// wrong; renewing the recovery codes needs a code. Nothing changes on any failure.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, principalFrom, startAuth, type AuthHarness } from './harness.js';
import {
  challengeFor,
  DISABLE,
  enrolledUser,
  LOG_IN_MFA,
  ME_TOTP,
  midStep,
  mutate,
  oathtoolCode,
  otplibCode,
  REGENERATE,
  RELAXED_LIMITS,
  requireOathtool,
  STEP_SECONDS,
  VERIFY,
  type EnrolledUser,
} from './mfa-support.js';

let auth: AuthHarness;
beforeAll(async () => {
  requireOathtool();
  auth = await startAuth(RELAXED_LIMITS);
});
afterAll(() => auth?.close());

const WRONG = { __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: expect.any(String) };

async function secondFactorRows(user: EnrolledUser) {
  const [row] = await auth.sql('SELECT "totpSecret", "totpEnabledAt", "totpLastStep" FROM "User" WHERE id = $1', [user.userId]);
  const codes = await auth.sql('SELECT "codeHash", "usedAt" FROM "RecoveryCode" WHERE "userId" = $1 ORDER BY "codeHash"', [user.userId]);
  const audit = await auth.sql('SELECT action FROM "AuditEvent" WHERE "actorUserId" = $1 ORDER BY "createdAt"', [user.userId]);
  return { row, codes, audit };
}

describe.concurrent('disableTotp', () => {
  test('a wrong password or a wrong code gives the same answer and changes nothing', async () => {
    const user = await enrolledUser(auth);
    const before = await secondFactorRows(user);
    const now = await midStep();

    const wrongPassword = await mutate(auth, DISABLE, { password: `${user.password}-x`, code: oathtoolCode(user.secret, now) }, user.principal);
    const wrongCode = await mutate(auth, DISABLE, { password: user.password, code: oathtoolCode(user.secret, now + 9 * STEP_SECONDS) }, user.principal);
    const noCode = await mutate(auth, DISABLE, { password: user.password, code: 'zzzzz-zzzzz' }, user.principal);

    expect(wrongPassword.result).toEqual(WRONG);
    expect(wrongCode.response).toEqual(wrongPassword.response);
    expect(noCode.response).toEqual(wrongPassword.response);
    expect(await secondFactorRows(user)).toEqual(before);
    // The code offered with the wrong password was not used up.
    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user), code: oathtoolCode(user.secret, now) })).result?.__typename).toBe(
      'AuthPayload',
    );
  });

  test('password and TOTP code turn it off: secret, last step and recovery codes are gone', async () => {
    const user = await enrolledUser(auth);
    const { result } = await mutate(auth, DISABLE, { password: user.password, code: await otplibCode(user.secret, await midStep()) }, user.principal);

    expect(result).toEqual({ __typename: 'TotpDisabled', disabledAt: expect.any(String) });
    const after = await secondFactorRows(user);
    expect(after.row).toEqual({ totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(after.codes).toEqual([]);
    expect(after.audit.map((a) => a['action'])).toContain('MFA_DISABLED');
    expect((await auth.call<{ me: { totpEnabled: boolean } }>(ME_TOTP, {}, user.principal)).data?.me.totpEnabled).toBe(false);
    // logIn is one step again.
    const logIn = await mutate(auth, LOG_IN_MFA, { email: user.email, password: user.password });
    expect(logIn.result?.__typename).toBe('AuthPayload');
  });

  test('a recovery code works instead of the TOTP code', async () => {
    const user = await enrolledUser(auth);
    const { result } = await mutate(auth, DISABLE, { password: user.password, code: String(user.recoveryCodes[4]) }, user.principal);
    expect(result?.__typename).toBe('TotpDisabled');
  });

  test('when TOTP is off there is nothing to disable', async () => {
    const { payload } = await signUp(auth);
    const principal = await principalFrom(auth, payload.accessToken);
    const { result } = await mutate(auth, DISABLE, { password: 'whatever-password', code: '123456' }, principal);
    expect(result).toEqual({ __typename: 'TotpNotEnabled', code: 'CONFLICT', message: expect.any(String) });
  });

  test('bad input gives ValidationFailed naming each field and changes nothing', async () => {
    const user = await enrolledUser(auth);
    const before = await secondFactorRows(user);
    const { result } = await mutate(auth, DISABLE, { password: '', code: '12-34' }, user.principal);
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(['input.password', 'input.code']);
    expect(await secondFactorRows(user)).toEqual(before);
  });
});

describe.concurrent('regenerateRecoveryCodes', () => {
  test('a TOTP code replaces all recovery codes: old ones stop working, new ones work', async () => {
    const user = await enrolledUser(auth);
    const { result } = await mutate(auth, REGENERATE, { code: oathtoolCode(user.secret, await midStep()) }, user.principal);
    expect(result?.__typename).toBe('RecoveryCodes');
    const fresh = result?.codes ?? [];
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => user.recoveryCodes.includes(c))).toEqual([]);

    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user), code: String(user.recoveryCodes[0]) })).result?.__typename).toBe('InvalidMfaCode');
    expect((await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user), code: String(fresh[0]) })).result?.__typename).toBe('AuthPayload');
  });

  test('a wrong code, or bad input, changes nothing', async () => {
    const user = await enrolledUser(auth);
    const before = await secondFactorRows(user);
    const wrong = await mutate(auth, REGENERATE, { code: 'zzzzz-zzzzz' }, user.principal);
    expect(wrong.result).toEqual({ __typename: 'InvalidMfaCode', code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    const invalid = await mutate(auth, REGENERATE, { code: '' }, user.principal);
    expect(invalid.result?.fields?.map((f) => f.field)).toEqual(['input.code']);
    expect(await secondFactorRows(user)).toEqual(before);
  });
});
