// Live principal state end to end (real gateway, real Auth, PostgreSQL, Redis): a role change, a
// removal and a logged-out session take effect on the very next request with the SAME access
// token, not when it expires; state missing from Redis is filled from Auth's database.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createRedis, principalStateKeys as keys, type Redis } from '@omni/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from './platform.js';

let platform: Platform;
let db: pg.Pool;
let redis: Redis;

beforeAll(async () => {
  platform = await startPlatform();
  db = new pg.Pool({ connectionString: platform.config.database.ownerUrl, max: 2 });
  redis = createRedis(platform.config.redis.url, 'e2e-principal-state');
});
afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await platform?.stop();
});

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken user { id company { id } } } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on AuthPayload { accessToken } } }`;
/** Needs apikeys:manage (ADMIN and OWNER): the role the gateway puts into the principal decides. */
const ADMIN_ONLY = '{ serviceAccounts { edges { cursor } } }';

interface Account {
  token: string;
  userId: string;
  companyId: string;
  email: string;
  password: string;
}

async function signUp(): Promise<Account> {
  const tag = randomUUID();
  const input = { companyName: `Co ${tag}`, name: 'Person', email: `p-${tag}@example.test`, password: `password-${tag}` };
  const { body } = await platform.graphql<{ signUp: { accessToken: string; user: { id: string; company: { id: string } } } }>(SIGN_UP, { variables: { input } });
  const result = body.data!.signUp;
  return { token: result.accessToken, userId: result.user.id, companyId: result.user.company.id, email: input.email, password: input.password };
}

/** A second person made ADMIN of `owner`'s company, signed in to it (their default company). */
async function adminOf(owner: Account): Promise<Account> {
  const person = await signUp();
  await db.query('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [owner.companyId, person.userId, 'ADMIN']);
  await db.query('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [owner.companyId, person.userId]);
  const { body } = await platform.graphql<{ logIn: { accessToken: string } }>(LOG_IN, { variables: { input: { email: person.email, password: person.password } } });
  return { ...person, token: body.data!.logIn.accessToken, companyId: owner.companyId };
}

const codeOf = (response: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => response.body.errors?.[0]?.extensions?.['code'];

describe('live principal state through the gateway', () => {
  it('applies a role change (changeMemberRole) on the next request with the same token', async () => {
    const owner = await signUp();
    const admin = await adminOf(owner);
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: admin.token }))).toBeUndefined();

    const changed = await platform.graphql<{ changeMemberRole: { __typename: string } }>(
      'mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { __typename } }',
      { token: owner.token, variables: { input: { userId: admin.userId, role: 'MEMBER' } } },
    );
    expect(changed.body.data?.changeMemberRole.__typename).toBe('MemberRoleChanged');
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: admin.token }))).toBe('FORBIDDEN');
  });

  it('refuses a removed member (removeMember) with 401 on the next request', async () => {
    const owner = await signUp();
    const admin = await adminOf(owner);
    expect((await platform.graphql('{ me { id } }', { token: admin.token })).status).toBe(200);
    const removed = await platform.graphql<{ removeMember: { __typename: string } }>(
      'mutation($input: RemoveMemberInput!) { removeMember(input: $input) { __typename } }',
      { token: owner.token, variables: { input: { userId: admin.userId } } },
    );
    expect(removed.body.data?.removeMember.__typename).toBe('MemberRemoved');
    const after = await platform.graphql('{ me { id } }', { token: admin.token });
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  });

  it('refuses a logged-out session with 401 on the next request', async () => {
    const owner = await signUp();
    const out = await platform.graphql<{ logOut: { __typename: string } }>('mutation { logOut { __typename } }', { token: owner.token });
    expect(out.body.data?.logOut.__typename).toBe('LoggedOut');
    expect((await platform.graphql('{ me { id } }', { token: owner.token })).status).toBe(401);
  });

  it('fills state missing from Redis from the database, so a change made there counts', async () => {
    const owner = await signUp();
    const names = [keys.membership(owner.companyId, owner.userId), keys.company(owner.companyId)];
    await redis.del(...names);
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: owner.token }))).toBeUndefined();
    for (let i = 0; i < 50 && (await redis.exists(names[0]!)) === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse((await redis.get(names[0]!))!)).toEqual({ status: 'active', role: 'OWNER', version: 1 });

    // Changed behind Auth's back (no publish): only the cache miss can reveal it.
    await db.query('UPDATE "Membership" SET role = $1 WHERE "companyId" = $2 AND "userId" = $3', ['VIEWER', owner.companyId, owner.userId]);
    await redis.del(names[0]!);
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: owner.token }))).toBe('FORBIDDEN');
    await db.query('DELETE FROM "Membership" WHERE "companyId" = $1 AND "userId" = $2', [owner.companyId, owner.userId]);
    await redis.del(names[0]!);
    expect((await platform.graphql('{ me { id } }', { token: owner.token })).status).toBe(401);
  });
});
