// signUp against the real database: what it writes, and that a refused sign-up writes nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callSignUp, signUp, startAuth, uniqueSignUp, type AuthHarness } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

/** Rows a sign-up with these values could have written, in any tenant. */
async function rowsFor(input: { email: string; companyName: string }) {
  const [row] = await auth.sql<{ users: number; companies: number }>(
    `SELECT (SELECT count(*)::int FROM "User" WHERE email = lower(trim($1))) AS users,
            (SELECT count(*)::int FROM "Company" WHERE name = trim($2)) AS companies`,
    [input.email, input.companyName],
  );
  return row;
}

describe.concurrent('signUp', () => {
  test('creates company, OWNER membership, user and a session holding only the refresh token hash', async () => {
    const { input, payload } = await signUp(auth);

    expect(payload.user).toMatchObject({ email: input.email, name: input.name, role: 'OWNER', company: { name: input.companyName } });
    expect(new Date(payload.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const memberships = await auth.sql('SELECT "companyId", role FROM "Membership" WHERE "userId" = $1', [payload.user.id]);
    expect(memberships).toEqual([{ companyId: payload.user.company.id, role: 'OWNER' }]);
    const sessions = await auth.sql<{ companyId: string; refreshTokenHash: string }>(
      'SELECT s."companyId", t."tokenHash" AS "refreshTokenHash" FROM "Session" s JOIN "RefreshToken" t ON t."sessionId" = s.id WHERE s."userId" = $1',
      [payload.user.id],
    );
    expect(sessions).toEqual([
      { companyId: payload.user.company.id, refreshTokenHash: createHash('sha256').update(payload.refreshToken).digest('hex') },
    ]);
    // omr_ + base64url(company id (16 bytes) + 32 random bytes)
    expect(payload.refreshToken).toMatch(/^omr_[A-Za-z0-9_-]{64}$/);
  });

  test('stores the password as argon2id with the OWASP parameters', async () => {
    const { input, payload } = await signUp(auth);
    const [user] = await auth.sql<{ passwordHash: string }>('SELECT "passwordHash" FROM "User" WHERE id = $1', [payload.user.id]);
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(user?.passwordHash).not.toContain(input.password);
  });

  test('normalises the email: trimmed and lower-cased', async () => {
    const input = uniqueSignUp();
    const { payload } = await signUp(auth, { ...input, email: `  ${input.email.toUpperCase()} ` });
    expect(payload.user.email).toBe(input.email);
  });

  test('a registered email gives EmailAlreadyRegistered and writes no second company', async () => {
    const { input } = await signUp(auth);
    const again = { ...uniqueSignUp(), email: input.email.toUpperCase() };

    const response = await callSignUp(auth, again);

    expect(response).toEqual({ data: { signUp: { __typename: 'EmailAlreadyRegistered', code: 'CONFLICT', message: expect.any(String) } } });
    expect(await rowsFor(again)).toEqual({ users: 1, companies: 0 });
  });

  test('concurrent sign-ups with one email: exactly one succeeds, the other writes nothing', async () => {
    const email = uniqueSignUp().email;
    const attempts = [uniqueSignUp({ email }), uniqueSignUp({ email })];

    const results = await Promise.all(attempts.map((input) => callSignUp(auth, input)));

    expect(results.map((r) => r.data?.signUp.__typename).sort()).toEqual(['AuthPayload', 'EmailAlreadyRegistered']);
    const companies = await Promise.all(attempts.map(rowsFor));
    expect(companies.map((c) => c?.companies).sort()).toEqual([0, 1]);
  });

  const invalid: Array<[string, Record<string, string>, string[]]> = [
    ['email without @', { email: 'not-an-email' }, ['input.email']],
    ['email over 254 characters', { email: `${'a'.repeat(250)}@example.test` }, ['input.email']],
    ['password under 12 characters', { password: 'short-pw' }, ['input.password']],
    ['password over 128 characters', { password: 'p'.repeat(129) }, ['input.password']],
    ['blank name', { name: '   ' }, ['input.name']],
    ['name over 200 characters', { name: 'n'.repeat(201) }, ['input.name']],
    ['blank company name', { companyName: '' }, ['input.companyName']],
    ['company name over 200 characters', { companyName: 'c'.repeat(201) }, ['input.companyName']],
    ['a 1 MB password and a bad email together', { password: 'p'.repeat(1_000_000), email: 'x' }, ['input.email', 'input.password']],
  ];

  test.each(invalid)('%s gives ValidationFailed naming the field and writes nothing', async (_case, overrides, fields) => {
    const input = uniqueSignUp(overrides);
    const before = await rowsFor(input);

    const response = await callSignUp(auth, input);

    const result = response.data?.signUp;
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field).sort()).toEqual(fields);
    for (const field of fields) expect(result?.message).toContain(field);
    expect(before).toEqual({ users: 0, companies: 0 });
    expect(await rowsFor(input)).toEqual(before);
  });

  test('a missing field is refused by the schema before anything runs', async () => {
    const { password: _omitted, ...input } = uniqueSignUp();
    const response = await callSignUp(auth, input);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await rowsFor(input)).toEqual({ users: 0, companies: 0 });
  });

  test.each([{ companyId: '00000000-0000-4000-8000-000000000000' }, { role: 'OWNER' }])(
    'the input accepts no %o (no mass assignment)',
    async (extra) => {
      const input = { ...uniqueSignUp(), ...extra };
      const response = await callSignUp(auth, input);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(await rowsFor(input)).toEqual({ users: 0, companies: 0 });
    },
  );
});
