// The principal state when its sources fail: with Redis down the gateway asks Auth (here its
// stand-in) on every request; with Auth unreachable or refusing it too, the answer is 503 —
// never 401 (the credential may be fine) and never anonymous.
import { randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '@omni/core';
import { freePort } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type RunningGateway, type Stack } from './helpers/harness.js';

const WHOAMI = '{ whoami { role } }';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function newToken(claims: Record<string, unknown> = {}) {
  const token = await stack.issuer.token({ ...stack.issuer.claims(), ...claims });
  return { call: (gw: RunningGateway) => gw.post(WHOAMI, { headers: { authorization: `Bearer ${token}` } }) };
}

const stateRequests = () => stack.auth.requests.filter((r) => r.path === '/internal/principal-state').length;

describe('when Redis or Auth is down', () => {
  let deadRedis: Redis;
  let withoutRedis: RunningGateway;
  let withNothing: RunningGateway;

  beforeAll(async () => {
    deadRedis = createRedis(`redis://127.0.0.1:${await freePort()}`, 'dead-redis', undefined, { failFast: true });
    const upstreams = { omni: stack.omni.url, legacy: stack.legacy.url };
    withoutRedis = await startGateway({ upstreams, jwksUrl: stack.issuer.jwksUrl, authInternalUrl: stack.auth.url, redis: deadRedis });
    const deadAuth = `http://127.0.0.1:${await freePort()}`;
    withNothing = await startGateway({ upstreams, jwksUrl: stack.issuer.jwksUrl, authInternalUrl: deadAuth, redis: deadRedis });
  });
  afterAll(async () => {
    await Promise.all([withoutRedis?.stop(), withNothing?.stop()]);
    deadRedis?.disconnect();
  });

  it('asks Auth on every request while Redis is down', async () => {
    const t = await newToken({ role: 'VIEWER' });
    const before = stateRequests();
    for (let i = 0; i < 2; i += 1) expect((await t.call(withoutRedis)).body.data?.['whoami']).toMatchObject({ role: 'VIEWER' });
    expect(stateRequests()).toBe(before + 2);
  });

  it('answers 503 (not 401, not anonymous) when neither Redis nor Auth can answer', async () => {
    const t = await newToken();
    const { status, headers, body } = await t.call(withNothing);
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('5');
    expect(body.errors?.[0]?.extensions?.['code']).toBe('INTERNAL');
    expect(body.data).toBeUndefined();
  });

  it('answers 503 when Auth refuses the gateway (secret mismatch) and nothing is cached', async () => {
    const misconfigured = await startGateway({
      upstreams: { omni: stack.omni.url, legacy: stack.legacy.url },
      jwksUrl: stack.issuer.jwksUrl,
      authInternalUrl: stack.auth.url,
      env: { INTERNAL_CONTEXT_SECRET: `another-secret-${randomUUID()}` },
    });
    try {
      const t = await newToken();
      expect((await t.call(misconfigured)).status).toBe(503);
      expect(stack.auth.requests.at(-1)).toMatchObject({ path: '/internal/principal-state', status: 401 });
    } finally {
      await misconfigured.stop();
    }
  });
});
