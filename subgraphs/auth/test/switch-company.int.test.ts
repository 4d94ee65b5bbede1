// One identity, several companies: listing them, and switchCompany issuing tokens for exactly one
// of them (and making it the company logIn picks).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callLogIn, ME, principalFrom, startAuth, verifyAccessToken, type AuthHarness } from './harness.js';
import { apiKeyPrincipal, auditActions, codesOf, companyWith, resultOf, SWITCH_COMPANY, type CompanyFixture } from './members-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

const MY_COMPANIES = /* GraphQL */ `
  query MyCompanies { myCompanies { companyId companyName role joinedAt current } }
`;

/** A person who owns their own company (from sign-up) and is a MEMBER of the fixture's company. */
async function twoCompanyPerson(): Promise<{ company: CompanyFixture; person: CompanyFixture['people'][number]; ownCompanyId: string }> {
  const company = await companyWith(auth, ['MEMBER']);
  const person = company.people[0]!;
  const [own] = await auth.sql<{ companyId: string }>('SELECT "companyId" FROM "Membership" WHERE "userId" = $1 AND "companyId" <> $2', [person.userId, company.companyId]);
  return { company, person, ownCompanyId: own!.companyId };
}

describe.concurrent('myCompanies', () => {
  test('lists every company of the person with role, join date and which one the token is for', async () => {
    const { company, person, ownCompanyId } = await twoCompanyPerson();
    const expected = await auth.sql<{ companyId: string; companyName: string; role: string; createdAt: Date }>(
      'SELECT m."companyId", c.name AS "companyName", m.role, m."createdAt" FROM "Membership" m JOIN "Company" c ON c.id = m."companyId" WHERE m."userId" = $1 ORDER BY m."createdAt"',
      [person.userId],
    );

    const response = await auth.call<{ myCompanies: Array<Record<string, unknown>> }>(MY_COMPANIES, {}, person.principal);

    expect(response.data?.myCompanies).toEqual(
      expected.map((row) => ({ companyId: row.companyId, companyName: row.companyName, role: row.role, joinedAt: row.createdAt.toISOString(), current: row.companyId === company.companyId })),
    );
    expect(response.data?.myCompanies.map((c) => c['companyId']).sort()).toEqual([company.companyId, ownCompanyId].sort());
  });

  test('is for people only: an API key is FORBIDDEN, anonymous UNAUTHENTICATED', async () => {
    const { companyId } = await companyWith(auth);
    expect(codesOf(await auth.call(MY_COMPANIES, {}, apiKeyPrincipal(companyId, ['company:read', 'members:read'])))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(MY_COMPANIES))).toEqual(['UNAUTHENTICATED']);
  });
});

describe.concurrent('switchCompany', () => {
  test('issues a token for exactly the target company, makes it the default, and audits there', async () => {
    const { company, person, ownCompanyId } = await twoCompanyPerson();
    const fromOwn = { ...person.principal, companyId: ownCompanyId, role: 'OWNER' as const };

    const result = resultOf<{ __typename: string; accessToken: string; user: Record<string, unknown> }>(
      await auth.call(SWITCH_COMPANY, { input: { companyId: company.companyId } }, fromOwn),
      'switchCompany',
    );

    expect(result).toMatchObject({ __typename: 'AuthPayload', user: { id: person.userId, role: 'MEMBER', company: { id: company.companyId } } });
    const { payload: claims } = await verifyAccessToken(auth, result.accessToken);
    expect(claims).toMatchObject({ sub: person.userId, cid: company.companyId, role: 'MEMBER', ver: 1 });
    const sessions = await auth.sql('SELECT "companyId", "userId" FROM "Session" WHERE id = $1', [claims['sid']]);
    expect(sessions).toEqual([{ companyId: company.companyId, userId: person.userId }]);
    // `me` with the new token shows the switched-to company.
    const me = await auth.call<{ me: { role: string; company: { id: string } } }>(ME, {}, await principalFrom(auth, result.accessToken));
    expect(me.data?.me).toMatchObject({ role: 'MEMBER', company: { id: company.companyId } });
    const [user] = await auth.sql<{ defaultCompanyId: string }>('SELECT "defaultCompanyId" FROM "User" WHERE id = $1', [person.userId]);
    expect(user?.defaultCompanyId).toBe(company.companyId);
    const [event] = await auth.sql('SELECT "actorUserId", "targetId", ip FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [company.companyId, 'COMPANY_SWITCHED']);
    expect(event).toEqual({ actorUserId: person.userId, targetId: claims['sid'], ip: '127.0.0.1' });
    expect(await auditActions(auth, ownCompanyId)).not.toContain('COMPANY_SWITCHED');
  });

  test('logIn afterwards opens the session in the company switched to', async () => {
    const { company, person, ownCompanyId } = await twoCompanyPerson();
    await auth.call(SWITCH_COMPANY, { input: { companyId: ownCompanyId } }, person.principal);
    const first = await callLogIn(auth, { email: person.email, password: person.password });
    await auth.call(SWITCH_COMPANY, { input: { companyId: company.companyId } }, person.principal);
    const second = await callLogIn(auth, { email: person.email, password: person.password });

    expect(first.data?.logIn.user?.company.id).toBe(ownCompanyId);
    expect(second.data?.logIn.user).toMatchObject({ role: 'MEMBER', company: { id: company.companyId } });
  });

  test('a company the person does not belong to and a non-existent one give the same NotAMember', async () => {
    const { person, company } = await twoCompanyPerson();
    const stranger = await companyWith(auth);
    const sessionsBefore = await auth.sql('SELECT id FROM "Session" WHERE "userId" = $1', [person.userId]);

    const foreign = await auth.call(SWITCH_COMPANY, { input: { companyId: stranger.companyId } }, person.principal);
    const missing = await auth.call(SWITCH_COMPANY, { input: { companyId: randomUUID() } }, person.principal);

    expect(foreign).toEqual(missing);
    expect(resultOf(foreign, 'switchCompany')).toEqual({ __typename: 'NotAMember', code: 'NOT_FOUND', message: expect.any(String) });
    expect(await auth.sql('SELECT id FROM "Session" WHERE "userId" = $1', [person.userId])).toEqual(sessionsBefore);
    expect(await auditActions(auth, stranger.companyId)).not.toContain('COMPANY_SWITCHED');
    const [user] = await auth.sql<{ defaultCompanyId: string | null }>('SELECT "defaultCompanyId" FROM "User" WHERE id = $1', [person.userId]);
    expect(user?.defaultCompanyId).not.toBe(stranger.companyId);
    expect(company.companyId).not.toBe(stranger.companyId);
  });

  test('a malformed company id is ValidationFailed naming input.companyId', async () => {
    const { person } = await twoCompanyPerson();
    const result = resultOf(await auth.call(SWITCH_COMPANY, { input: { companyId: "'; DROP TABLE x; --" } }, person.principal), 'switchCompany');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.companyId' }] });
  });

  test('an API key cannot switch (FORBIDDEN)', async () => {
    const { companyId } = await companyWith(auth);
    const response = await auth.call(SWITCH_COMPANY, { input: { companyId } }, apiKeyPrincipal(companyId, ['company:read']));
    expect(codesOf(response)).toEqual(['FORBIDDEN']);
  });
});
