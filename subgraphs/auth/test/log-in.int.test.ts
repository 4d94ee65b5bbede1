// logIn against the real database, and the tokens it hands out checked the way the gateway
// checks them: against the JWKS route, with the algorithm, issuer, audience and typ pinned.
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callLogIn, signUp, startAuth, uniqueSignUp, verifyAccessToken, type AuthHarness } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

/** Only the two credential fields: LogInInput has no others. */
function logIn({ email, password }: { email: string; password: string }) {
  return callLogIn(auth, { email, password });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function jwksKids(): Promise<string[]> {
  const { keys } = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return keys.map((k) => k.kid);
}

describe.concurrent('logIn', () => {
  test('returns tokens whose signature verifies against the JWKS', async () => {
    const { input, payload: signedUp } = await signUp(auth);

    const response = await logIn({ email: `  ${input.email.toUpperCase()}`, password: input.password });

    const result = response.data?.logIn;
    expect(result).toMatchObject({ __typename: 'AuthPayload', user: { id: signedUp.user.id, role: 'OWNER', company: signedUp.user.company } });
    const { payload: claims, protectedHeader } = await verifyAccessToken(auth, String(result?.accessToken));
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: expect.any(String), typ: 'at+jwt' });
    expect(await jwksKids()).toContain(protectedHeader.kid);
    expect(claims).toMatchObject({
      iss: auth.config.auth.issuer,
      aud: auth.config.auth.audience,
      sub: signedUp.user.id,
      cid: signedUp.user.company.id,
      role: 'OWNER',
    });
    expect(claims.exp! - claims.iat!).toBe(auth.config.auth.accessTokenTtlSeconds);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(15 * 60);
    expect(new Date(String(result?.expiresAt)).getTime()).toBe(claims.exp! * 1000);
    expect(claims.jti).toEqual(expect.any(String));
    // sid names the session this log-in opened, for this user and company.
    const sessions = await auth.sql('SELECT "userId", "companyId" FROM "Session" WHERE id = $1', [claims['sid']]);
    expect(sessions).toEqual([{ userId: signedUp.user.id, companyId: signedUp.user.company.id }]);
    expect(result?.refreshToken).not.toBe(signedUp.refreshToken);
  });

  test('sign-up tokens verify too, with distinct jti and sid', async () => {
    const { payload } = await signUp(auth);
    const { input } = await signUp(auth);
    const loggedIn = await logIn({ email: input.email, password: input.password });
    const [a, b] = await Promise.all([
      verifyAccessToken(auth, payload.accessToken),
      verifyAccessToken(auth, String(loggedIn.data?.logIn.accessToken)),
    ]);
    expect(a.payload.jti).not.toBe(b.payload.jti);
    expect(a.payload['sid']).not.toBe(b.payload['sid']);
  });

  test('an unknown email and a wrong password get identical answers', async () => {
    const { input } = await signUp(auth);

    const wrongPassword = await logIn({ email: input.email, password: `${input.password}-wrong` });
    const unknownEmail = await logIn({ email: `nobody-${randomUUID()}@example.test`, password: input.password });

    expect(wrongPassword).toEqual({
      data: { logIn: { __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: expect.any(String) } },
    });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  test('an unknown email takes as long as a wrong password (no timing shortcut)', async () => {
    const { input } = await signUp(auth);
    const wrongPassword = () => logIn({ email: input.email, password: 'not-the-password' });
    const unknownEmail = () => logIn({ email: `nobody-${randomUUID()}@example.test`, password: 'not-the-password' });
    await Promise.all([wrongPassword(), unknownEmail()]); // warm-up: compilation, connections

    // Interleaved, so a load spike from concurrent tests hits both kinds alike.
    const samples = { wrongPassword: [] as number[], unknownEmail: [] as number[] };
    for (let i = 0; i < 5; i += 1) {
      samples.wrongPassword.push(await timed(wrongPassword));
      samples.unknownEmail.push(await timed(unknownEmail));
    }

    // Without the dummy verification an unknown email answers in about a third of the time.
    expect(median(samples.unknownEmail)).toBeGreaterThan(median(samples.wrongPassword) * 0.6);
  });

  test('no session is written for a failed log-in', async () => {
    const { input, payload } = await signUp(auth);
    await logIn({ email: input.email, password: 'definitely-not-it' });
    const sessions = await auth.sql<{ id: string }>('SELECT id FROM "Session" WHERE "userId" = $1', [payload.user.id]);
    expect(sessions).toHaveLength(1); // the sign-up's
  });

  test.each([
    ['email over 254 characters', { email: `${'a'.repeat(250)}@example.test` }, ['input.email']],
    ['malformed email', { email: 'nope' }, ['input.email']],
    ['password over 128 characters', { password: 'p'.repeat(129) }, ['input.password']],
    ['empty password', { password: '' }, ['input.password']],
  ])('%s gives ValidationFailed naming the field', async (_case, overrides, fields) => {
    const { email, password } = uniqueSignUp(overrides);
    const response = await logIn({ email, password });
    const result = response.data?.logIn;
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(fields);
  });
});

describe('GET /.well-known/jwks.json', () => {
  test('serves public keys only, cacheable for a minute', async () => {
    const response = await fetch(`${auth.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
  });

  test('the signing key is one of them', async () => {
    const { payload } = await signUp(auth);
    const { kid } = decodeProtectedHeader(payload.accessToken);
    expect(await jwksKids()).toContain(kid);
  });
});
