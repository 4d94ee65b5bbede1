// refreshSession against the real database and Redis: rotation, reuse detection (RFC 9700), the
// concurrent-refresh race, and every way a refresh token stops working.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, startAuth, verifyAccessToken, type AuthHarness } from './harness.js';
import { auditOf, LOG_OUT, personFrom, refresh, refreshTokensOf, SessionStates, sessionRow, sha256 } from './session-fixtures.js';

let auth: AuthHarness;
let states: SessionStates;
beforeAll(async () => {
  auth = await startAuth();
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

const INVALID = { __typename: 'InvalidRefreshToken', code: 'UNAUTHENTICATED', message: expect.any(String) };

/** Pretends the token was rotated long ago, past the concurrent-refresh grace period. */
async function ageRotation(refreshToken: string): Promise<void> {
  await auth.sql(`UPDATE "RefreshToken" SET "rotatedAt" = now() - interval '1 minute' WHERE "tokenHash" = $1`, [sha256(refreshToken)]);
}

describe.concurrent('refreshSession', () => {
  test('rotates: new tokens for the same session, the old refresh token is used up', async () => {
    const { payload } = await signUp(auth);
    const first = await verifyAccessToken(auth, payload.accessToken);

    const refreshed = await refresh(auth, payload.refreshToken);

    expect(refreshed).toMatchObject({ __typename: 'AuthPayload', user: { id: payload.user.id, role: 'OWNER', company: { id: payload.user.company.id } } });
    expect(refreshed?.refreshToken).toMatch(/^omr_[A-Za-z0-9_-]{64}$/);
    expect(refreshed?.refreshToken).not.toBe(payload.refreshToken);
    const { payload: claims } = await verifyAccessToken(auth, String(refreshed?.accessToken));
    expect(claims).toMatchObject({ sid: first.payload['sid'], sub: payload.user.id, cid: payload.user.company.id, role: 'OWNER', ver: 1 });
    expect(claims.jti).not.toBe(first.payload.jti);
    // Exactly one current token per session: the new one.
    const tokens = await refreshTokensOf(auth, String(claims['sid']));
    expect(tokens.filter((t) => t.rotatedAt === null).map((t) => t.tokenHash)).toEqual([sha256(String(refreshed?.refreshToken))]);
    expect(tokens).toHaveLength(2);

    // Presented again at once (a benign double submit): refused, but the session lives on.
    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);
    expect(await sessionRow(auth, String(claims['sid']))).toMatchObject({ revokedAt: null });
    expect(await refresh(auth, refreshed?.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
  });

  test('reusing a rotated token revokes the whole session, newest token included', async () => {
    const { payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    const second = await refresh(auth, payload.refreshToken);
    await ageRotation(payload.refreshToken);

    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);

    expect(await refresh(auth, second?.refreshToken)).toEqual(INVALID);
    expect(await sessionRow(auth, principal.sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'TOKEN_REUSE' });
    expect(await states.of(principal.sessionId)).toEqual({ status: 'revoked' });
    const audit = await auditOf(auth, principal.companyId, 'REFRESH_TOKEN_REUSE_DETECTED');
    expect(audit).toEqual([expect.objectContaining({ targetId: principal.sessionId })]);
    // Replaying it again changes nothing more.
    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);
    expect(await auditOf(auth, principal.companyId, 'REFRESH_TOKEN_REUSE_DETECTED')).toHaveLength(1);
  });

  test('concurrent refreshes with one token: exactly one wins and the session does not fork', async () => {
    const { payload } = await signUp(auth);
    const { sessionId } = await personFrom(auth, payload.accessToken);

    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(auth, payload.refreshToken)));

    const winners = results.filter((r) => r?.__typename === 'AuthPayload');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r?.__typename === 'InvalidRefreshToken')).toHaveLength(4);
    const current = (await refreshTokensOf(auth, sessionId)).filter((t) => t.rotatedAt === null);
    expect(current.map((t) => t.tokenHash)).toEqual([sha256(String(winners[0]?.refreshToken))]);
    // The losers were inside the grace period: no revocation, the winner's token works.
    expect(await sessionRow(auth, sessionId)).toMatchObject({ revokedAt: null });
    expect(await refresh(auth, winners[0]?.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
  });

  test('a refresh after logOut fails', async () => {
    const { payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    expect((await auth.call(LOG_OUT, {}, principal)).data).toEqual({ logOut: { __typename: 'LoggedOut', sessionId: principal.sessionId } });

    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);
    // Refused without rotating: the token is still the session's last one, now dead.
    expect((await refreshTokensOf(auth, principal.sessionId)).filter((t) => t.rotatedAt === null)).toHaveLength(1);
  });

  test('an expired session cannot be refreshed', async () => {
    const { payload } = await signUp(auth);
    const { sessionId } = await personFrom(auth, payload.accessToken);
    await auth.sql(`UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [sessionId]);
    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);
  });

  test('role and version come from the membership as it is now', async () => {
    const { payload } = await signUp(auth);
    const { companyId, userId } = await personFrom(auth, payload.accessToken);
    await auth.sql('UPDATE "Membership" SET role = $3, version = version + 1 WHERE "companyId" = $1 AND "userId" = $2', [companyId, userId, 'ADMIN']);

    const refreshed = await refresh(auth, payload.refreshToken);

    const { payload: claims } = await verifyAccessToken(auth, String(refreshed?.accessToken));
    expect(claims).toMatchObject({ role: 'ADMIN', ver: 2 });
    expect(refreshed?.user).toMatchObject({ role: 'ADMIN' });
  });

  test('a removed member cannot refresh', async () => {
    const { payload } = await signUp(auth);
    const { companyId, userId } = await personFrom(auth, payload.accessToken);
    await auth.sql('DELETE FROM "Membership" WHERE "companyId" = $1 AND "userId" = $2', [companyId, userId]);
    expect(await refresh(auth, payload.refreshToken)).toEqual(INVALID);
  });

  test('unknown, forged and foreign tokens get the same answer', async () => {
    const { payload } = await signUp(auth);
    const body = Buffer.from(payload.refreshToken.slice(4), 'base64url');
    // The same secret claimed for another company: scoped lookup, different hash, not found.
    const otherCompany = `omr_${Buffer.concat([randomBytes(16), body.subarray(16)]).toString('base64url')}`;
    const randomToken = `omr_${randomBytes(48).toString('base64url')}`;
    for (const token of [otherCompany, randomToken, `omx_${payload.refreshToken.slice(4)}`, `${payload.refreshToken}A`, 'not-a-token']) {
      expect(await refresh(auth, token)).toEqual(INVALID);
    }
    expect(await refresh(auth, payload.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
  });

  test.each([
    ['an empty refresh token', ''],
    ['a refresh token over 256 characters', `omr_${'a'.repeat(300)}`],
  ])('%s gives ValidationFailed naming the field and writes nothing', async (_case, refreshToken) => {
    const { payload } = await signUp(auth);
    const { sessionId } = await personFrom(auth, payload.accessToken);
    const result = await refresh(auth, refreshToken);
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(['input.refreshToken']);
    expect(await refreshTokensOf(auth, sessionId)).toHaveLength(1);
  });

  test('a missing refresh token is refused by the schema', async () => {
    const response = await auth.call(`mutation { refreshSession(input: {}) { __typename } }`);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.length).toBeGreaterThan(0);
  });

  test('expiresAt matches the access token, and the token is for the session user', async () => {
    const { payload } = await signUp(auth);
    const refreshed = await refresh(auth, payload.refreshToken);
    const { payload: claims } = await verifyAccessToken(auth, String(refreshed?.accessToken));
    expect(new Date(String(refreshed?.expiresAt)).getTime()).toBe(claims.exp! * 1000);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    expect(claims.sub).toBe(payload.user.id);
  });
});
