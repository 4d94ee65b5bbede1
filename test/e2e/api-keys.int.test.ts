// API keys end to end: an owner creates a service account and a scoped key through the gateway;
// the key then works through the gateway (Bearer or x-api-key) within its scopes and nowhere
// else, is stored only as a hash, records its use, stops working on the request after its
// revocation, and has its own rate limit (429 with retry-after).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createRedis, type Redis } from '@omni/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from './platform.js';

const RATE_LIMIT = 8;
let platform: Platform;
let db: pg.Pool;
let redis: Redis;

beforeAll(async () => {
  platform = await startPlatform({ gatewayEnv: { API_KEY_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } });
  db = new pg.Pool({ connectionString: platform.config.database.ownerUrl, max: 2 });
  redis = createRedis(platform.config.redis.url, 'e2e-api-keys');
});
afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await platform?.stop();
});

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken user { id company { id } } } } }`;
const CREATE_ACCOUNT = `mutation($input: CreateServiceAccountInput!) { createServiceAccount(input: $input) { ... on ServiceAccount { id } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { __typename ... on ApiKeyCreated { secret key { id prefix } } } }`;
const MEMBERS = '{ members { edges { node { role user { id } } } } }';

interface Issued {
  ownerToken: string;
  ownerId: string;
  companyId: string;
  keyId: string;
  secret: string;
}

/** A new company whose owner made a key with `scopes`. */
async function issueKey(scopes: string[] = ['MEMBERS_READ']): Promise<Issued> {
  const tag = randomUUID();
  const input = { companyName: `Partner co ${tag}`, name: 'Owner', email: `o-${tag}@example.test`, password: `password-${tag}` };
  const signUp = (await platform.graphql<{ signUp: { accessToken: string; user: { id: string; company: { id: string } } } }>(SIGN_UP, { variables: { input } })).body.data!.signUp;
  const token = signUp.accessToken;
  const account = await platform.graphql<{ createServiceAccount: { id: string } }>(CREATE_ACCOUNT, { token, variables: { input: { name: 'Partner' } } });
  const created = await platform.graphql<{ createApiKey: { secret: string; key: { id: string } } }>(CREATE_KEY, {
    token,
    variables: { input: { serviceAccountId: account.body.data!.createServiceAccount.id, name: 'sync', scopes } },
  });
  const { secret, key } = created.body.data!.createApiKey;
  return { ownerToken: token, ownerId: signUp.user.id, companyId: signUp.user.company.id, keyId: key.id, secret };
}

const withKey = (secret: string, query: string, header: 'bearer' | 'x-api-key' = 'bearer') =>
  platform.graphql(query, { headers: header === 'bearer' ? { authorization: `Bearer ${secret}` } : { 'x-api-key': secret } });
const codesOf = (r: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => r.body.errors?.map((e) => e.extensions?.['code']);

describe('API keys through the gateway', () => {
  it('work within their scopes, by either header; me is null for a key; other fields are FORBIDDEN', async () => {
    const issued = await issueKey(['MEMBERS_READ']);
    const members = await withKey(issued.secret, MEMBERS);
    expect(members.status).toBe(200);
    expect(members.body).toEqual({ data: { members: { edges: [{ node: { role: 'OWNER', user: { id: issued.ownerId } } }] } } });
    expect((await withKey(issued.secret, MEMBERS, 'x-api-key')).body.data).toEqual(members.body.data);
    expect((await withKey(issued.secret, '{ me { id } }')).body).toEqual({ data: { me: null } });
    expect(codesOf(await withKey(issued.secret, '{ auditLog { edges { cursor } } }'))).toEqual(['FORBIDDEN']);
    // Managing keys needs a person, whatever the key's scopes.
    const admin = await issueKey(['APIKEYS_MANAGE', 'MEMBERS_READ']);
    expect(codesOf(await withKey(admin.secret, '{ serviceAccounts { edges { cursor } } }'))).toEqual(['FORBIDDEN']);
  });

  it('are stored only as a SHA-256 and record their last use', async () => {
    const issued = await issueKey();
    const before = await db.query('SELECT * FROM "ApiKey" WHERE id = $1', [issued.keyId]);
    expect(before.rows[0].keyHash).toBe(createHash('sha256').update(issued.secret).digest('hex'));
    expect(before.rows[0].lastUsedAt).toBeNull();
    expect(JSON.stringify(before.rows)).not.toContain(issued.secret.slice(12));
    const lastUsedAt = async () => (await db.query('SELECT "lastUsedAt" FROM "ApiKey" WHERE id = $1', [issued.keyId])).rows[0].lastUsedAt as Date | null;
    // First use: a cache miss, so Auth checks the key and records the use.
    expect((await withKey(issued.secret, MEMBERS)).status).toBe(200);
    expect(await lastUsedAt()).toBeInstanceOf(Date);
    // Later uses are served from the cache; the first of each rate-limit window is reported.
    await db.query('UPDATE "ApiKey" SET "lastUsedAt" = NULL WHERE id = $1', [issued.keyId]);
    expect((await withKey(issued.secret, MEMBERS)).status).toBe(200);
    expect(await lastUsedAt()).toBeNull();
    await redis.del(`omni:rl:apikey:${issued.keyId}`);
    expect((await withKey(issued.secret, MEMBERS)).status).toBe(200);
    for (let i = 0; i < 50 && (await lastUsedAt()) === null; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(await lastUsedAt()).toBeInstanceOf(Date);
  });

  it('stop working on the request right after their revocation', async () => {
    const issued = await issueKey();
    expect((await withKey(issued.secret, MEMBERS)).status).toBe(200);
    const revoked = await platform.graphql<{ revokeApiKey: { __typename: string } }>(
      'mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { __typename } }',
      { token: issued.ownerToken, variables: { input: { id: issued.keyId } } },
    );
    expect(revoked.body.data?.revokeApiKey.__typename).toBe('ApiKey');
    const refused = await withKey(issued.secret, MEMBERS);
    expect(refused.status).toBe(401);
    expect(codesOf(refused)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses unknown and malformed keys with 401', async () => {
    const issued = await issueKey();
    const forged = `omk_${Buffer.concat([Buffer.from(issued.companyId.replace(/-/g, ''), 'hex'), Buffer.from(issued.keyId.replace(/-/g, ''), 'hex'), randomBytes(32)]).toString('base64url')}`;
    for (const key of [forged, 'omk_short', `${issued.secret}x`]) expect((await withKey(key, MEMBERS)).status, key).toBe(401);
    expect((await platform.graphql(MEMBERS, { headers: { authorization: `Bearer ${issued.ownerToken}`, 'x-api-key': issued.secret } })).status).toBe(401);
  });

  it(`allow ${RATE_LIMIT} requests a minute per key, then answer 429 with retry-after`, async () => {
    const issued = await issueKey();
    const other = await issueKey();
    for (let i = 0; i < RATE_LIMIT; i += 1) expect((await withKey(issued.secret, '{ me { id } }')).status).toBe(200);
    const limited = await withKey(issued.secret, '{ me { id } }');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    // Each key has its own budget.
    expect((await withKey(other.secret, '{ me { id } }')).status).toBe(200);
  });
});
