// Logging in with TOTP on: logIn answers MfaRequired (no session yet) and verifyMfa finishes it
// with a TOTP code (±1 step of 30 s, each step once) or a recovery code (each once). Codes come
// from oathtool and from otplib, at chosen times.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, verifyAccessToken, type AuthHarness } from './harness.js';
import { challengeFor, enrolledUser, LOG_IN_MFA, midStep, mutate, oathtoolCode, otplibCode, RELAXED_LIMITS, requireOathtool, someClient, STEP_SECONDS, VERIFY } from './mfa-support.js';

let auth: AuthHarness;
beforeAll(async () => {
  requireOathtool();
  // The limits are tested in abuse-login; here they must not hide the challenge's own limit.
  auth = await startAuth(RELAXED_LIMITS);
});
afterAll(() => auth?.close());

const INVALID = { __typename: 'InvalidMfaCode', code: 'INVALID_CREDENTIALS', message: expect.any(String) };
const count = async (sql: string, values: unknown[]) => Number((await auth.sql<{ n: string }>(sql, values))[0]?.n);
const sessionCount = (userId: string) => count('SELECT count(*) AS n FROM "Session" WHERE "userId" = $1', [userId]);
const auditCount = (userId: string, action: string) => count('SELECT count(*) AS n FROM "AuditEvent" WHERE "actorUserId" = $1 AND action = $2', [userId, action]);

async function verify(challenge: string, code: string, client?: ReturnType<typeof someClient>) {
  return (await mutate(auth, VERIFY, { challenge, code }, null, client)).result;
}

describe.concurrent('logIn with TOTP on', () => {
  test('answers MfaRequired without opening a session; verifyMfa with an otplib code opens it', async () => {
    const user = await enrolledUser(auth);
    const sessionsBefore = await sessionCount(user.userId);
    const { result } = await mutate(auth, LOG_IN_MFA, { email: user.email, password: user.password });

    expect(result).toEqual({ __typename: 'MfaRequired', challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    const ttl = new Date(String(result?.['expiresAt'])).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
    expect(await sessionCount(user.userId)).toBe(sessionsBefore);

    const payload = await verify(String(result?.challenge), await otplibCode(user.secret, await midStep()));
    expect(payload).toMatchObject({ __typename: 'AuthPayload', user: { id: user.userId, company: { id: user.companyId } } });
    const { payload: claims } = await verifyAccessToken(auth, String(payload?.accessToken));
    expect(claims).toMatchObject({ sub: user.userId, cid: user.companyId, role: 'OWNER' });
    expect(await sessionCount(user.userId)).toBe(sessionsBefore + 1);
    expect(await auditCount(user.userId, 'LOGIN_SUCCEEDED')).toBeGreaterThanOrEqual(1);
  });

  test('a code accepted once is rejected the second time, even with a new challenge', async () => {
    const user = await enrolledUser(auth);
    const code = oathtoolCode(user.secret, await midStep());
    expect((await verify(await challengeFor(auth, user), code))?.__typename).toBe('AuthPayload');
    expect(await verify(await challengeFor(auth, user), code)).toEqual(INVALID);
  });

  test('concurrent uses of one code: exactly one wins', async () => {
    const user = await enrolledUser(auth);
    const [a, b] = await Promise.all([challengeFor(auth, user), challengeFor(auth, user)]);
    const code = oathtoolCode(user.secret, await midStep());
    const results = await Promise.all([verify(a, code), verify(b, code)]);
    expect(results.map((r) => r?.__typename).sort()).toEqual(['AuthPayload', 'InvalidMfaCode']);
  });

  test('accepts the previous and next step, rejects ±2 steps and steps older than the last accepted', async () => {
    const user = await enrolledUser(auth);
    // Forget the step enrolment used, so each case below tests the window alone.
    await auth.sql('UPDATE "User" SET "totpLastStep" = NULL WHERE id = $1', [user.userId]);
    const now = await midStep(12);
    const challenge = () => challengeFor(auth, user);

    expect(await verify(await challenge(), oathtoolCode(user.secret, now - 2 * STEP_SECONDS))).toEqual(INVALID);
    expect(await verify(await challenge(), await otplibCode(user.secret, now + 2 * STEP_SECONDS))).toEqual(INVALID);
    expect((await verify(await challenge(), oathtoolCode(user.secret, now - STEP_SECONDS)))?.__typename).toBe('AuthPayload');
    expect((await verify(await challenge(), await otplibCode(user.secret, now + STEP_SECONDS)))?.__typename).toBe('AuthPayload');
    // The current step is valid in time but older than the last accepted (next) step.
    expect(await verify(await challenge(), oathtoolCode(user.secret, now))).toEqual(INVALID);
  });

  test('a recovery code works once (any case, dash optional), and is stored as used', async () => {
    const user = await enrolledUser(auth);
    const [first] = user.recoveryCodes;
    const typed = String(first).toUpperCase().replace('-', '');
    expect((await verify(await challengeFor(auth, user), typed))?.__typename).toBe('AuthPayload');
    expect(await verify(await challengeFor(auth, user), String(first))).toEqual(INVALID);
    expect(await count('SELECT count(*) AS n FROM "RecoveryCode" WHERE "userId" = $1 AND "usedAt" IS NOT NULL', [user.userId])).toBe(1);
    expect(await auditCount(user.userId, 'RECOVERY_CODE_USED')).toBe(1);
  });

  test('one recovery code used concurrently: exactly one wins', async () => {
    const user = await enrolledUser(auth);
    const [a, b] = await Promise.all([challengeFor(auth, user), challengeFor(auth, user)]);
    const results = await Promise.all([verify(a, String(user.recoveryCodes[1])), verify(b, String(user.recoveryCodes[1]))]);
    expect(results.map((r) => r?.__typename).sort()).toEqual(['AuthPayload', 'InvalidMfaCode']);
  });

  test('five wrong codes end the challenge: even the right code then fails', async () => {
    const user = await enrolledUser(auth);
    const challenge = await challengeFor(auth, user);
    const now = await midStep();
    const wrong = oathtoolCode(user.secret, now + 10 * STEP_SECONDS);
    for (let i = 0; i < 5; i += 1) expect(await verify(challenge, wrong)).toEqual(INVALID);
    expect(await auditCount(user.userId, 'MFA_CHALLENGE_FAILED')).toBe(5);
    // The password was right but the second factor failed: the user is told, once.
    expect(await count('SELECT count(*) AS n FROM "EmailMessage" WHERE "to" = $1 AND subject LIKE $2', [user.email, '%blocked%'])).toBe(1);

    expect(await verify(challenge, oathtoolCode(user.secret, now))).toEqual(INVALID);
    // A new log-in gets a new challenge, and the (unused) code still works there.
    expect((await verify(await challengeFor(auth, user), oathtoolCode(user.secret, now)))?.__typename).toBe('AuthPayload');
  });

  test('a challenge works once, and only for the client it was issued to', async () => {
    const user = await enrolledUser(auth);
    const client = someClient();
    const challenge = await challengeFor(auth, user, client);
    const now = await midStep(12);

    expect(await verify(challenge, oathtoolCode(user.secret, now), someClient())).toEqual(INVALID);
    expect((await verify(challenge, oathtoolCode(user.secret, now), client))?.__typename).toBe('AuthPayload');
    expect(await verify(challenge, oathtoolCode(user.secret, now + STEP_SECONDS), client)).toEqual(INVALID);
    expect(await verify('A'.repeat(43), oathtoolCode(user.secret, now + STEP_SECONDS), client)).toEqual(INVALID);
  });

  test.each([
    ['a short challenge', (challenge: string) => ({ challenge: challenge.slice(1), code: '123456' }), ['input.challenge']],
    ['a code of 7 digits', (challenge: string) => ({ challenge, code: '1234567' }), ['input.code']],
    ['both wrong', () => ({ challenge: '', code: 'not a code' }), ['input.challenge', 'input.code']],
  ])('verifyMfa with %s gives ValidationFailed naming the fields and writes nothing', async (_case, input, fields) => {
    const user = await enrolledUser(auth);
    const challenge = await challengeFor(auth, user);
    const sessionsBefore = await sessionCount(user.userId);

    const { result } = await mutate(auth, VERIFY, input(challenge));
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(fields);
    expect(await sessionCount(user.userId)).toBe(sessionsBefore);
    expect(await auditCount(user.userId, 'MFA_CHALLENGE_FAILED')).toBe(0);
    // Not even counted against the challenge: it still works.
    expect((await verify(challenge, oathtoolCode(user.secret, await midStep())))?.__typename).toBe('AuthPayload');
  });
});
