// AbuseLimits against the real Redis: per-IP rates, per-account lockouts that grow, key hygiene,
// and failing closed when Redis is unreachable. Small policies keep the tests fast; each test
// has its own key namespace so they run concurrently.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError, createRedis, type Redis } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { AbuseLimits, type LimitPolicy } from '../src/abuse/limits.js';

const QUICK: LimitPolicy = {
  ipPoints: 3,
  ipWindowSeconds: 60,
  failuresBeforeLockout: 3,
  lockoutBaseSeconds: 1,
  lockoutMaxSeconds: 2,
  lockoutMemorySeconds: 60,
};

let redis: Redis;
beforeAll(async () => {
  redis = createRedis(testConfig().redis.url, 'abuse-limits-test', undefined, { failFast: true });
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
});
afterAll(() => redis?.disconnect());

function limitsWith(policy: Partial<LimitPolicy> = {}) {
  const prefix = `test:${randomUUID()}:abuse`;
  return { prefix, limits: new AbuseLimits(redis, { prefix, policies: { logIn: { ...QUICK, ...policy } } }) };
}

/** The RATE_LIMITED error `work` throws, or a failure if it does not throw one. */
async function rateLimited(work: Promise<unknown>): Promise<{ retryAfterSeconds: number }> {
  const error: unknown = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  return (error as AppError).extensions as { retryAfterSeconds: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('AbuseLimits', () => {
  test('locks an account out after consecutive failures, for a period that doubles per lockout', async () => {
    const { limits } = limitsWith();
    const keys = { account: `victim-${randomUUID()}@example.test`, ip: null };
    const failOnce = async () => {
      await limits.check('logIn', keys);
      await limits.fail('logIn', keys);
    };
    for (let i = 0; i < QUICK.failuresBeforeLockout; i += 1) await failOnce();
    expect((await rateLimited(limits.check('logIn', keys))).retryAfterSeconds).toBe(1);

    await sleep(1_100);
    for (let i = 0; i < QUICK.failuresBeforeLockout; i += 1) await failOnce();
    expect((await rateLimited(limits.check('logIn', keys))).retryAfterSeconds).toBe(2);

    await sleep(2_100);
    for (let i = 0; i < QUICK.failuresBeforeLockout; i += 1) await failOnce();
    // Capped at lockoutMaxSeconds.
    expect((await rateLimited(limits.check('logIn', keys))).retryAfterSeconds).toBe(2);
  });

  test('a success resets the consecutive failures', async () => {
    const { limits } = limitsWith();
    const keys = { account: `user-${randomUUID()}@example.test` };
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < QUICK.failuresBeforeLockout - 1; i += 1) {
        await limits.check('logIn', keys);
        await limits.fail('logIn', keys);
      }
      await limits.check('logIn', keys);
      await limits.succeed('logIn', keys);
    }
    await expect(limits.check('logIn', keys)).resolves.toBeUndefined();
  });

  test('parallel attempts (aliases, batches) count one by one: no more than the threshold get through', async () => {
    const { limits } = limitsWith();
    const keys = { account: `user-${randomUUID()}@example.test` };
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => limits.check('logIn', keys)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(QUICK.failuresBeforeLockout);
  });

  test('limits each IP to its rate, independently of accounts and of other IPs', async () => {
    const { limits } = limitsWith();
    const ip = `10.${Math.floor(Math.random() * 250)}.0.1`;
    for (let i = 0; i < QUICK.ipPoints; i += 1) await limits.check('logIn', { account: `a${i}-${randomUUID()}@x.test`, ip });
    const { retryAfterSeconds } = await rateLimited(limits.check('logIn', { account: `b-${randomUUID()}@x.test`, ip }));
    expect(retryAfterSeconds).toBeGreaterThan(50);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(limits.check('logIn', { account: null, ip: '10.255.255.254' })).resolves.toBeUndefined();
  });

  test('normalises accounts (case, spaces) and keeps emails and addresses out of Redis keys', async () => {
    const { limits, prefix } = limitsWith();
    const email = `Mixed.Case-${randomUUID()}@Example.TEST`;
    for (let i = 0; i < QUICK.failuresBeforeLockout; i += 1) {
      const variant = i % 2 ? `  ${email.toUpperCase()} ` : email.toLowerCase();
      await limits.check('logIn', { account: variant, ip: '192.0.2.77' });
      await limits.fail('logIn', { account: variant, ip: '192.0.2.77' });
    }
    await rateLimited(limits.check('logIn', { account: email }));

    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.toLowerCase()).not.toContain(email.toLowerCase().split('@')[0]);
      expect(key).not.toContain('@');
      expect(key).not.toContain('192.0.2.77');
    }
  });

  test('actions are counted apart: a logIn lockout does not block verifyMfa', async () => {
    const { limits } = limitsWith();
    const keys = { account: randomUUID() };
    for (let i = 0; i < QUICK.failuresBeforeLockout; i += 1) {
      await limits.check('logIn', keys);
      await limits.fail('logIn', keys);
    }
    await rateLimited(limits.check('logIn', keys));
    await expect(limits.check('verifyMfa', keys)).resolves.toBeUndefined();
  });
});
