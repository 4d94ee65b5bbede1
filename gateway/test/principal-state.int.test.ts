// The live principal state at the gateway (packages/core/src/identity/principal-state.ts): the
// role, membership and session behind a token are read from Redis on every request, filled from
// Auth (here its stand-in) on a miss, and a change published to Redis takes effect on the next
// request. Outages: principal-state-outage.int.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedis, principalStateKeys as keys, type Redis } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type RunningGateway, type Stack } from './helpers/harness.js';

const WHOAMI = '{ whoami { userId companyId role modules } }';
let stack: Stack;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack();
  redis = createRedis(testConfig().redis.url, 'principal-state-test');
});
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

/** A fresh token for a fresh membership and session, and its state keys. */
async function newToken(claims: Record<string, unknown> = {}) {
  const all = { ...stack.issuer.claims(), ...claims };
  const token = await stack.issuer.token(all);
  const [cid, sub, sid] = [String(all.cid), String(all.sub), String(all.sid)];
  const names = { membership: keys.membership(cid, sub), session: keys.session(sid), company: keys.company(cid) };
  const call = (gw: RunningGateway = stack.gw) => gw.post(WHOAMI, { headers: { authorization: `Bearer ${token}` } });
  return { token, sid, names, call };
}

const publish = (key: string, value: unknown) => redis.set(key, JSON.stringify(value), 'EX', 300);
const stateRequests = () => stack.auth.requests.filter((r) => r.path === '/internal/principal-state').length;
const cached = async (key: string) => JSON.parse((await redis.get(key)) ?? 'null') as unknown;

/** The gateway fills Redis after answering; wait until a key it writes is there. */
async function filled(key: string) {
  for (let i = 0; i < 50 && (await redis.exists(key)) === 0; i += 1) await sleep(20);
}

describe('principal state at the gateway', () => {
  it('fills missing state from Auth, caches it with a TTL and then serves it from Redis', async () => {
    const t = await newToken();
    const before = stateRequests();
    const first = await t.call();
    expect(first.status).toBe(200);
    expect(first.body.data?.['whoami']).toMatchObject({ role: 'MEMBER', modules: ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] });
    expect(stateRequests()).toBe(before + 1);
    await filled(t.names.company);
    expect(await cached(t.names.membership)).toEqual({ status: 'active', role: 'MEMBER', version: 1 });
    for (const key of Object.values(t.names)) expect(await redis.ttl(key)).toBeGreaterThan(250);

    expect((await t.call()).status).toBe(200);
    expect(stateRequests()).toBe(before + 1);
  });

  it('takes the role from the live state, not from the token, on the next request', async () => {
    const t = await newToken({ role: 'MEMBER' });
    expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'MEMBER' });
    await publish(t.names.membership, { status: 'active', role: 'ADMIN', version: 2 });
    expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'ADMIN' });
    await publish(t.names.membership, { status: 'active', role: 'VIEWER', version: 3 });
    expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'VIEWER' });
  });

  it('answers 401 for a removed member and for a revoked session from the next request on', async () => {
    const removed = await newToken();
    expect((await removed.call()).status).toBe(200);
    await publish(removed.names.membership, { status: 'removed' });
    const refused = await removed.call();
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');

    const revoked = await newToken();
    expect((await revoked.call()).status).toBe(200);
    await publish(revoked.names.session, { status: 'revoked' });
    expect((await revoked.call()).status).toBe(401);
  });

  it('answers 401 when Auth says the membership or session is gone (nothing cached)', async () => {
    const t = await newToken();
    stack.auth.answers.set(t.sid, { session: { status: 'revoked' } });
    expect((await t.call()).status).toBe(401);
    const unknown = await newToken();
    stack.issuer.issued.delete(unknown.sid);
    expect((await unknown.call()).status).toBe(401);
  });

  it('never lets its fill overwrite state published while Auth was answering (SET NX)', async () => {
    const t = await newToken();
    stack.auth.beforeAnswer = async () => {
      await publish(t.names.membership, { status: 'active', role: 'VIEWER', version: 5 });
    };
    try {
      expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'MEMBER' });
    } finally {
      stack.auth.beforeAnswer = null;
    }
    await filled(t.names.company);
    expect(await cached(t.names.membership)).toEqual({ status: 'active', role: 'VIEWER', version: 5 });
    expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'VIEWER' });
  });

  it('refetches and replaces a cached membership older than the token (ver)', async () => {
    const t = await newToken({ role: 'ADMIN', ver: 4 });
    await publish(t.names.membership, { status: 'active', role: 'VIEWER', version: 3 });
    await publish(t.names.session, { status: 'active' });
    await publish(t.names.company, { modules: ['auth'] });
    // Auth's answer is read now, so it wins over the whole cached state for this request.
    expect((await t.call()).body.data?.['whoami']).toMatchObject({ role: 'ADMIN' });
    for (let i = 0; i < 50 && ((await cached(t.names.membership)) as { version: number }).version !== 4; i += 1) await sleep(20);
    expect(await cached(t.names.membership)).toEqual({ status: 'active', role: 'ADMIN', version: 4 });
  });
});
