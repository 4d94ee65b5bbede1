// Auth's internal endpoints, which the gateway asks on a principal-state cache miss: only
// requests signed by the gateway for this very path and body are answered; answers come from
// PostgreSQL in the credential's company, and are cached in Redis without overwriting newer state.
import { createHash, randomUUID } from 'node:crypto';
import { createRedis, INTERNAL_CONTEXT_HEADER, principalStateKeys as keys, signInternalContext, type Redis } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKey, ownerWithServiceAccount, REVOKE_API_KEY } from './api-keys-fixtures.js';
import { signUp, startAuth, type AuthHarness } from './harness.js';

let auth: AuthHarness;
let redis: Redis;
beforeAll(async () => {
  auth = await startAuth();
  redis = createRedis(auth.config.redis.url, 'internal-endpoint-tests');
});
afterAll(async () => {
  redis?.disconnect();
  await auth?.close();
});

async function post(path: string, body: Record<string, unknown>, sign: { secret?: string; audience?: string; signedPath?: string } | null = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign) {
    headers[INTERNAL_CONTEXT_HEADER] = await signInternalContext(
      { principal: null, requestId: randomUUID(), client: { ip: null, userAgent: null } },
      { secret: sign.secret ?? auth.config.internalContext.secret, subgraph: sign.audience ?? 'auth-internal', operation: { query: sign.signedPath ?? path, variables: body }, ttlSeconds: 60 },
    );
  }
  const response = await fetch(`${auth.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const tokenBody = async () => {
  const { payload } = await signUp(auth);
  const [session] = await auth.sql<{ id: string }>('SELECT id FROM "Session" WHERE "userId" = $1', [payload.user.id]);
  return { companyId: payload.user.company.id, userId: payload.user.id, sessionId: session!.id };
};

describe.concurrent('POST /internal/principal-state', () => {
  test('refuses anything not signed by the gateway for this path and body with 401', async () => {
    const body = await tokenBody();
    const path = '/internal/principal-state';
    expect((await post(path, body, null)).status).toBe(401);
    expect((await post(path, body, { secret: 'a-guess-that-is-long-enough-0123456789' })).status).toBe(401);
    expect((await post(path, body, { audience: 'auth' })).status).toBe(401);
    expect((await post(path, body, { signedPath: '/internal/api-key' })).status).toBe(401);
    const response = await fetch(`${auth.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(response.status).toBe(401);
  });

  test('answers the live membership, session and modules, and 400 to a malformed signed body', async () => {
    const body = await tokenBody();
    const { status, body: answer } = await post('/internal/principal-state', body);
    expect(status).toBe(200);
    expect(answer).toEqual({
      membership: { status: 'active', role: 'OWNER', version: 1 },
      session: { status: 'active' },
      company: { modules: ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] },
    });
    expect((await post('/internal/principal-state', { ...body, sessionId: 'x' })).status).toBe(400);
  });

  test('reports a revoked session, another user’s session and a non-member as such', async () => {
    const body = await tokenBody();
    const stranger = await tokenBody();
    await auth.sql('UPDATE "Session" SET "revokedAt" = now() WHERE id = $1', [body.sessionId]);
    expect((await post('/internal/principal-state', body)).body).toMatchObject({ session: { status: 'revoked' } });
    expect((await post('/internal/principal-state', { ...stranger, sessionId: (await tokenBody()).sessionId })).body).toMatchObject({ session: { status: 'revoked' } });
    expect((await post('/internal/principal-state', { ...body, userId: stranger.userId })).body).toMatchObject({ membership: { status: 'removed' } });
  });

  test('caches the answer with NX: state published meanwhile is never overwritten', async () => {
    const body = await tokenBody();
    const published = { status: 'active', role: 'VIEWER', version: 9 };
    await redis.set(keys.membership(body.companyId, body.userId), JSON.stringify(published), 'EX', 300);
    await post('/internal/principal-state', body);
    for (let i = 0; i < 50 && !(await redis.exists(keys.session(body.sessionId))); i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse((await redis.get(keys.session(body.sessionId)))!)).toEqual({ status: 'active' });
    expect(JSON.parse((await redis.get(keys.membership(body.companyId, body.userId)))!)).toEqual(published);
  });
});

describe.concurrent('POST /internal/api-key', () => {
  const check = (companyId: string, id: string, secret: string) =>
    post('/internal/api-key', { companyId, apiKeyId: id, keyHash: createHash('sha256').update(secret).digest('hex') });

  test('validates the key and records its use at most once a minute', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const { secret, key } = await createKey(auth, owner, { scopes: ['MEMBERS_READ'] });
    expect((await post('/internal/api-key', { companyId: owner.companyId, apiKeyId: key.id, keyHash: 'x' })).status).toBe(400);
    const { status, body } = await check(owner.companyId, key.id, secret);
    expect(status).toBe(200);
    expect(body).toMatchObject({ apiKey: { status: 'active', apiKeyId: key.id, companyId: owner.companyId, scopes: ['members:read'] }, ttlSeconds: 300 });
    const [first] = await auth.sql<{ lastUsedAt: Date }>('SELECT "lastUsedAt" FROM "ApiKey" WHERE id = $1', [key.id]);
    expect(first?.lastUsedAt).toBeInstanceOf(Date);
    await check(owner.companyId, key.id, secret);
    const [second] = await auth.sql<{ lastUsedAt: Date }>('SELECT "lastUsedAt" FROM "ApiKey" WHERE id = $1', [key.id]);
    expect(second?.lastUsedAt).toEqual(first?.lastUsedAt);
  });

  test('is invalid for a wrong secret, another company, a revoked or expired key and a disabled account', async () => {
    const owner = await ownerWithServiceAccount(auth);
    const other = await ownerWithServiceAccount(auth);
    const invalid = { apiKey: { status: 'invalid' }, company: null, ttlSeconds: 300 };
    const { secret, key } = await createKey(auth, owner);
    expect((await check(owner.companyId, key.id, `${secret}x`)).body).toEqual(invalid);
    expect((await check(other.companyId, key.id, secret)).body).toEqual(invalid);

    const soon = await createKey(auth, owner, { expiresAt: new Date(Date.now() + 30_000).toISOString() });
    expect(((await check(owner.companyId, soon.key.id, soon.secret)).body as { ttlSeconds: number }).ttlSeconds).toBeLessThanOrEqual(30);
    await auth.sql(`UPDATE "ApiKey" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [soon.key.id]);
    expect((await check(owner.companyId, soon.key.id, soon.secret)).body).toEqual(invalid);

    await auth.call(REVOKE_API_KEY, { input: { id: key.id } }, owner.principal);
    expect((await check(owner.companyId, key.id, secret)).body).toEqual(invalid);

    const live = await createKey(auth, owner);
    await auth.sql('UPDATE "ServiceAccount" SET "disabledAt" = now() WHERE id = $1', [owner.serviceAccountId]);
    expect((await check(owner.companyId, live.key.id, live.secret)).body).toEqual(invalid);
  });
});
