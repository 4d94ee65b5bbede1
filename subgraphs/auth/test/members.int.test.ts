// Listing the members of a company: pagination, permissions and tenant isolation.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { apiKeyPrincipal, codesOf, companyWith } from './members-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

const MEMBERS = /* GraphQL */ `
  query Members($first: Int, $after: String) {
    members(first: $first, after: $after) {
      edges { cursor node { role joinedAt user { id email } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

type MembersPage = { members: { edges: Array<{ cursor: string; node: { role: string; joinedAt: string; user: { id: string } } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

describe.concurrent('members', () => {
  test('pages through every member oldest first, with role and join date', async () => {
    const company = await companyWith(auth, ['ADMIN', 'MEMBER', 'VIEWER']);
    const expected = await auth.sql<{ userId: string; role: string; createdAt: Date }>(
      'SELECT "userId", role, "createdAt" FROM "Membership" WHERE "companyId" = $1 ORDER BY "createdAt", "userId"',
      [company.companyId],
    );

    const first = await auth.call<MembersPage>(MEMBERS, { first: 3 }, company.people[2]!.principal);
    const rest = await auth.call<MembersPage>(MEMBERS, { first: 3, after: first.data?.members.pageInfo.endCursor }, company.people[2]!.principal);

    expect(first.data?.members.pageInfo.hasNextPage).toBe(true);
    expect(rest.data?.members.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const nodes = [...first.data!.members.edges, ...rest.data!.members.edges].map((e) => e.node);
    expect(nodes.map((n) => ({ userId: n.user.id, role: n.role, createdAt: new Date(n.joinedAt) }))).toEqual(expected);
  });

  test('shows only the caller’s company', async () => {
    const a = await companyWith(auth, ['MEMBER']);
    const b = await companyWith(auth);
    const response = await auth.call<MembersPage>(MEMBERS, {}, b.owner.principal);
    expect(response.data?.members.edges.map((e) => e.node.user.id)).toEqual([b.owner.userId]);
    expect(response.data?.members.edges.map((e) => e.node.user.id)).not.toContain(a.people[0]!.userId);
  });

  test('first above 100 and a foreign cursor are VALIDATION_FAILED', async () => {
    const { owner } = await companyWith(auth);
    expect(codesOf(await auth.call(MEMBERS, { first: 101 }, owner.principal))).toEqual(['VALIDATION_FAILED']);
    expect(codesOf(await auth.call(MEMBERS, { after: 'bm90LWEtY3Vyc29y' }, owner.principal))).toEqual(['VALIDATION_FAILED']);
  });

  test('needs members:read: an API key without it is FORBIDDEN, anonymous UNAUTHENTICATED', async () => {
    const { companyId } = await companyWith(auth);
    expect(codesOf(await auth.call(MEMBERS, {}, apiKeyPrincipal(companyId, ['crm:read'])))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(MEMBERS, {}))).toEqual(['UNAUTHENTICATED']);
  });
});
