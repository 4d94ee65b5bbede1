// requestPasswordReset + resetPassword end to end: the link is read from the mailbox file the
// auth process's send-email job writes; the token is single-use, stored only as a hash, and
// every bad input is refused with a typed result that changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createScopedToken } from '@omni/core';
import { callLogIn, signUp, startAuth, type AuthHarness } from './harness.js';
import { requestReset, resetPassword, resetTokensFromMailbox, resultOf } from './password-reset-fixtures.js';
import { auditOf, sha256 } from './session-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(async () => {
  await auth?.close();
});

const newPassword = () => `new-password-${randomUUID().slice(0, 8)}`;
const loginResult = async (email: string, password: string) => (await callLogIn(auth, { email, password })).data?.logIn.__typename;
const tokensOf = (userId: string) =>
  auth.sql<{ tokenHash: string; usedAt: Date | null; ttl: number }>(
    'SELECT "tokenHash", "usedAt", EXTRACT(EPOCH FROM "expiresAt" - "createdAt")::float AS ttl FROM "PasswordResetToken" WHERE "userId" = $1 ORDER BY "createdAt"',
    [userId],
  );

/** Signs up, requests a reset and returns the emailed token. */
async function emailedToken() {
  const since = new Date();
  const account = await signUp(auth);
  const requested = resultOf(await requestReset(auth, account.input.email.toUpperCase()), 'requestPasswordReset');
  expect(requested.__typename).toBe('PasswordResetRequested');
  const [token] = await resetTokensFromMailbox(auth, account.input.email, since);
  return { ...account, token: token ?? '', since };
}

describe.concurrent('password reset', () => {
  test('the emailed link sets a new password, once; only hashes are stored', async () => {
    const { input, payload, token } = await emailedToken();
    const [stored] = await tokensOf(payload.user.id);
    expect(stored).toMatchObject({ tokenHash: sha256(token), usedAt: null });
    expect(stored?.ttl).toBeGreaterThan(1790);
    expect(stored?.ttl).toBeLessThan(1810);
    const mail = await auth.sql<{ body: string }>('SELECT body FROM "EmailMessage" WHERE "to" = $1', [input.email]);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.body).not.toContain(token);

    const password = newPassword();
    expect(resultOf(await resetPassword(auth, token, password), 'resetPassword').__typename).toBe('PasswordResetCompleted');
    expect(await loginResult(input.email, input.password)).toBe('InvalidCredentials');
    expect(await loginResult(input.email, password)).toBe('AuthPayload');
    const [user] = await auth.sql<{ passwordChangedAt: Date | null }>('SELECT "passwordChangedAt" FROM "User" WHERE id = $1', [payload.user.id]);
    expect(user?.passwordChangedAt).toBeInstanceOf(Date);
    expect(await auditOf(auth, payload.user.company.id, 'PASSWORD_RESET')).toEqual([
      expect.objectContaining({ actorUserId: payload.user.id, targetId: payload.user.id }),
    ]);

    const again = resultOf(await resetPassword(auth, token, newPassword()), 'resetPassword');
    expect(again).toEqual({ __typename: 'InvalidResetToken', code: 'NOT_FOUND', message: expect.any(String) });
    expect(await loginResult(input.email, password)).toBe('AuthPayload');
  });

  test('two concurrent resets with one token: exactly one wins', async () => {
    const { input, token } = await emailedToken();
    const passwords = [newPassword(), newPassword()];
    const results = await Promise.all(passwords.map(async (p) => resultOf(await resetPassword(auth, token, p), 'resetPassword').__typename));
    expect([...results].sort()).toEqual(['InvalidResetToken', 'PasswordResetCompleted']);
    const winner = passwords[results.indexOf('PasswordResetCompleted')] ?? '';
    expect(await loginResult(input.email, winner)).toBe('AuthPayload');
  });

  test('a reset invalidates the other outstanding links of the user', async () => {
    const { input, since } = await emailedToken();
    await requestReset(auth, input.email);
    const [first, second] = await resetTokensFromMailbox(auth, input.email, since, 2);
    expect(resultOf(await resetPassword(auth, second, newPassword()), 'resetPassword').__typename).toBe('PasswordResetCompleted');
    expect(resultOf(await resetPassword(auth, first, newPassword()), 'resetPassword').__typename).toBe('InvalidResetToken');
  });

  test('a weak new password is refused naming the field, and the token stays usable', async () => {
    const { input, payload, token } = await emailedToken();
    for (const weak of ['short', 'x'.repeat(129)]) {
      const result = resultOf(await resetPassword(auth, token, weak), 'resetPassword');
      expect(result).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.newPassword', message: expect.any(String) }] });
    }
    expect(await tokensOf(payload.user.id)).toEqual([expect.objectContaining({ usedAt: null })]);
    expect(await auditOf(auth, payload.user.company.id, 'PASSWORD_RESET')).toEqual([]);
    expect(await loginResult(input.email, input.password)).toBe('AuthPayload');
    expect(resultOf(await resetPassword(auth, token, newPassword()), 'resetPassword').__typename).toBe('PasswordResetCompleted');
  });

  test('malformed, unknown and forged tokens all get the same InvalidResetToken', async () => {
    const { payload, token } = await emailedToken();
    const forged = createScopedToken('omp_', [payload.user.id]).token; // right user, wrong secret
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of ['not-a-token', `omp_${'A'.repeat(64)}`, forged, flipped, token.replace('omp_', 'omi_')]) {
      expect(resultOf(await resetPassword(auth, bad, newPassword()), 'resetPassword')).toEqual({
        __typename: 'InvalidResetToken',
        code: 'NOT_FOUND',
        message: 'This password reset link is invalid or has expired. Request a new one.',
      });
    }
    expect(await tokensOf(payload.user.id)).toEqual([expect.objectContaining({ usedAt: null })]);
  });

  test('an empty token or a malformed email is a ValidationFailed naming the field; nothing is written', async () => {
    const email = `not-an-email-${randomUUID()}`;
    expect(resultOf(await requestReset(auth, email), 'requestPasswordReset')).toMatchObject({
      __typename: 'ValidationFailed',
      fields: [{ field: 'input.email' }],
    });
    expect(resultOf(await resetPassword(auth, '  ', newPassword()), 'resetPassword')).toMatchObject({
      __typename: 'ValidationFailed',
      fields: [{ field: 'input.token' }],
    });
    expect(await auth.sql('SELECT 1 FROM "EmailMessage" WHERE "to" = $1', [email])).toHaveLength(0);
  });
});
