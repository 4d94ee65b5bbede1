// Live principal state end to end (real gateway, real Auth, PostgreSQL, Redis): a role change, a
// removal and a logged-out session take effect on the very next request with the SAME access
// token, not when it expires; state missing from Redis is filled from Auth's database. The
// gateway's own cache (fill with a TTL, SET NX, refetch when older than the token) is watched on
// a gateway whose Redis database Auth does not write to. With Redis down the gateway asks Auth on
// every request; with Auth unreachable or refusing too, it answers 503, never 401 or anonymous.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { createRedis, INTERNAL_CONTEXT_HEADER, MODULES, principalStateKeys as keys, type Redis } from '@omni/core';
import { freePort } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalStatePublisher } from '../../subgraphs/auth/src/principal-state/publisher.js';
import { authSigningKey } from './auth-signing-key.js';
import { startPlatform, type Account, type Platform } from './platform.js';

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

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on AuthPayload { accessToken } } }`;
const CHANGE_ROLE = 'mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { __typename } }';
/** Needs apikeys:manage (ADMIN and OWNER): the role the gateway puts into the principal decides. */
const ADMIN_ONLY = '{ serviceAccounts { edges { cursor } } }';

const signUp = () => platform.signUp();

async function logIn(account: Account): Promise<string> {
  const { body } = await platform.graphql<{ logIn: { accessToken: string } }>(LOG_IN, { variables: { input: { email: account.email, password: account.password } } });
  return body.data!.logIn.accessToken;
}

/** A second person made ADMIN of `owner`'s company, signed in to it (their default company). */
async function adminOf(owner: Account): Promise<Account> {
  const person = await signUp();
  await db.query('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [owner.companyId, person.userId, 'ADMIN']);
  await db.query('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [owner.companyId, person.userId]);
  return { ...person, token: await logIn(person), companyId: owner.companyId };
}

const changeRole = (owner: Account, userId: string, role: string) =>
  platform.graphql<{ changeMemberRole: { __typename: string } }>(CHANGE_ROLE, { token: owner.token, variables: { input: { userId, role } } });

/** The state keys behind an access token. */
function stateKeys(token: string) {
  const { sub, cid, sid } = decodeJwt(token) as { sub: string; cid: string; sid: string };
  return { membership: keys.membership(cid, sub), session: keys.session(sid), company: keys.company(cid) };
}

const codeOf = (response: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => response.body.errors?.[0]?.extensions?.['code'];
const setRole = (account: Account, role: string) =>
  db.query('UPDATE "Membership" SET role = $1 WHERE "companyId" = $2 AND "userId" = $3', [role, account.companyId, account.userId]);

describe('live principal state through the gateway', () => {
  it('applies role changes (changeMemberRole) on the next request with the same token, both ways', async () => {
    const owner = await signUp();
    const admin = await adminOf(owner);
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: admin.token }))).toBeUndefined();

    expect((await changeRole(owner, admin.userId, 'MEMBER')).body.data?.changeMemberRole.__typename).toBe('MemberRoleChanged');
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: admin.token }))).toBe('FORBIDDEN');
    // The live state grants as well as takes away: the token still says ADMIN, the state MEMBER, then ADMIN.
    await changeRole(owner, admin.userId, 'ADMIN');
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: admin.token }))).toBeUndefined();
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

  it('refuses a logged-out session with 401 on the next request, and still once its state left Redis', async () => {
    const owner = await signUp();
    const out = await platform.graphql<{ logOut: { __typename: string } }>('mutation { logOut { __typename } }', { token: owner.token });
    expect(out.body.data?.logOut.__typename).toBe('LoggedOut');
    expect((await platform.graphql('{ me { id } }', { token: owner.token })).status).toBe(401);
    // A miss: Auth reads the revoked session from its database.
    await redis.del(stateKeys(owner.token).session);
    expect((await platform.graphql('{ me { id } }', { token: owner.token })).status).toBe(401);
  });

  it('refuses a token signed with Auth’s key for a membership and session Auth does not know', async () => {
    const owner = await signUp();
    const key = await authSigningKey(db, owner.token);
    // The control: the same claims, re-signed, are let in.
    expect((await platform.graphql('{ me { id } }', { token: await key.sign(key.claims) })).status).toBe(200);
    const stranger = await key.sign({ ...key.claims, sub: randomUUID(), cid: randomUUID(), sid: randomUUID(), jti: randomUUID() });
    const refused = await platform.graphql('{ me { id } }', { token: stranger });
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
  });
});

/**
 * The wire between a gateway and Auth's internal endpoints: passes each request to the real Auth
 * and Auth's answer back, after `beforeAnswer` when set (for a test that must act while Auth's
 * answer is on its way). It answers nothing itself.
 */
interface AuthLink {
  url: string;
  beforeAnswer: (() => Promise<unknown>) | null;
  close(): Promise<void>;
}

async function linkTo(authUrl: string): Promise<AuthLink> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
        const answer = await fetch(`${authUrl}${req.url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [INTERNAL_CONTEXT_HEADER]: String(req.headers[INTERNAL_CONTEXT_HEADER]) },
          body: Buffer.concat(chunks),
        });
        const body = await answer.text();
        const hook = link.beforeAnswer;
        link.beforeAnswer = null;
        await hook?.();
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
      } catch {
        res.writeHead(502).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const link: AuthLink = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    beforeAnswer: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return link;
}

describe("the gateway's own cache of the principal state", () => {
  /** Auth writes to the shared Redis database; this gateway caches in another one, so only its own writes show there. */
  let own: number;
  let ownRedis: Redis;
  /** Auth's own publisher, writing into that database: what a publish the gateway sees looks like. */
  let publish: PrincipalStatePublisher;
  let link: AuthLink;

  beforeAll(async () => {
    link = await linkTo(platform.authUrl);
    const ownRedisUrl = Object.assign(new URL(platform.config.redis.url), { pathname: '/1' }).href;
    own = await platform.addGateway({ REDIS_URL: ownRedisUrl, AUTH_INTERNAL_URL: link.url });
    ownRedis = createRedis(ownRedisUrl, 'e2e-principal-state-own');
    publish = new PrincipalStatePublisher(ownRedis);
  });
  afterAll(async () => {
    ownRedis?.disconnect();
    await link?.close();
  });

  const cached = async (key: string) => JSON.parse((await ownRedis.get(key)) ?? 'null') as unknown;
  /** The gateway fills Redis after answering; wait until what it writes is there. */
  async function filled(names: Record<string, string>, done = async () => true) {
    for (let i = 0; i < 50 && ((await ownRedis.exists(...Object.values(names))) < Object.keys(names).length || !(await done())); i += 1) await sleep(20);
  }
  const adminOnly = (token: string) => platform.graphql(ADMIN_ONLY, { token, gateway: own });

  it('fills missing state from Auth with a TTL, serves the next requests from it, and a database change counts on the next miss', async () => {
    const owner = await signUp();
    const names = stateKeys(owner.token);
    expect(codeOf(await adminOnly(owner.token))).toBeUndefined();
    await filled(names);
    expect(await cached(names.membership)).toEqual({ status: 'active', role: 'OWNER', version: 1 });
    expect(await cached(names.session)).toEqual({ status: 'active' });
    expect(await cached(names.company)).toEqual({ modules: [...MODULES] });
    for (const key of Object.values(names)) expect(await ownRedis.ttl(key)).toBeGreaterThan(250);

    // Changed behind Auth's back (no publish): the cached state still answers…
    await setRole(owner, 'VIEWER');
    expect(codeOf(await adminOnly(owner.token))).toBeUndefined();
    // …until it is missing: then Auth reads the database again.
    await ownRedis.del(names.membership);
    expect(codeOf(await adminOnly(owner.token))).toBe('FORBIDDEN');
    await db.query('DELETE FROM "Membership" WHERE "companyId" = $1 AND "userId" = $2', [owner.companyId, owner.userId]);
    await ownRedis.del(names.membership);
    expect((await adminOnly(owner.token)).status).toBe(401);
  });

  it('never lets its fill overwrite state published while Auth was answering (SET NX)', async () => {
    const owner = await signUp();
    const names = stateKeys(owner.token);
    link.beforeAnswer = () => publish.membership(owner.companyId, owner.userId, { status: 'active', role: 'VIEWER', version: 2 });
    // This request goes by Auth's answer (OWNER)…
    expect(codeOf(await adminOnly(owner.token))).toBeUndefined();
    expect(link.beforeAnswer).toBeNull();
    // …but the change published meanwhile stays in Redis and decides the next one.
    await filled(names);
    expect(await cached(names.membership)).toEqual({ status: 'active', role: 'VIEWER', version: 2 });
    expect(codeOf(await adminOnly(owner.token))).toBe('FORBIDDEN');
  });

  it('refetches and replaces a cached membership older than the token (ver), e.g. after a lost publish', async () => {
    const owner = await signUp();
    const admin = await adminOf(owner);
    expect((await changeRole(owner, admin.userId, 'MEMBER')).body.data?.changeMemberRole.__typename).toBe('MemberRoleChanged');
    const newer = await logIn(admin);
    expect(decodeJwt(newer)['ver']).toBe(2);
    // This gateway's Redis never got the change's publish: it holds the state from before it.
    await publish.membership(owner.companyId, admin.userId, { status: 'active', role: 'ADMIN', version: 1 });
    await publish.company(owner.companyId, { modules: [...MODULES] });
    for (const token of [admin.token, newer]) await publish.session(decodeJwt(token)['sid'] as string, { status: 'active' });

    // The control: a token from before the change is served from that cached state.
    expect(codeOf(await adminOnly(admin.token))).toBeUndefined();
    // A token issued after it proves the cache stale: Auth's answer (MEMBER, version 2) decides and replaces it.
    expect(codeOf(await adminOnly(newer))).toBe('FORBIDDEN');
    const names = stateKeys(newer);
    await filled(names, async () => ((await cached(names.membership)) as { version?: number }).version === 2);
    expect(await cached(names.membership)).toEqual({ status: 'active', role: 'MEMBER', version: 2 });
  });
});

describe('when Redis or Auth is down', () => {
  let withoutRedis: number;
  let withNothing: number;

  beforeAll(async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    withoutRedis = await platform.addGateway({ REDIS_URL: deadRedis });
    withNothing = await platform.addGateway({ REDIS_URL: deadRedis, AUTH_INTERNAL_URL: `http://127.0.0.1:${await freePort()}` });
  });

  it('asks Auth on every request while Redis is down', async () => {
    const owner = await signUp();
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: owner.token, gateway: withoutRedis }))).toBeUndefined();
    // Changed behind Auth's back (no publish): only asking Auth again can reveal it.
    await setRole(owner, 'VIEWER');
    expect(codeOf(await platform.graphql(ADMIN_ONLY, { token: owner.token, gateway: withoutRedis }))).toBe('FORBIDDEN');
  });

  it('answers 503 (not 401, not anonymous) when neither Redis nor Auth can answer', async () => {
    const owner = await signUp();
    const { status, headers, body } = await platform.graphql('{ me { id } }', { token: owner.token, gateway: withNothing });
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
    expect(body.errors?.[0]?.extensions?.['code']).toBe('INTERNAL');
    expect(body.data).toBeUndefined();
  });

  it('answers 503 when Auth refuses the gateway (secret mismatch) and nothing is cached', async () => {
    const misconfigured = await platform.addGateway({ INTERNAL_CONTEXT_SECRET: `another-secret-${randomUUID()}` });
    const owner = await signUp();
    const names = stateKeys(owner.token);
    await redis.del(...Object.values(names));
    expect((await platform.graphql('{ me { id } }', { token: owner.token, gateway: misconfigured })).status).toBe(503);
    // The control: the token is good (gateway 0 lets it in and caches its state)…
    expect((await platform.graphql('{ me { id } }', { token: owner.token })).status).toBe(200);
    for (let i = 0; i < 50 && (await redis.exists(...Object.values(names))) < 3; i += 1) await sleep(20);
    // …and with the state cached the misconfigured gateway gets past the credential check (only
    // for its subgraph fetch to be refused): the 503 was Auth refusing the state request.
    const cachedNow = await platform.graphql('{ me { id } }', { token: owner.token, gateway: misconfigured });
    expect(cachedNow.status).toBe(200);
    expect(codeOf(cachedNow)).toBe('INTERNAL');
  });
});
