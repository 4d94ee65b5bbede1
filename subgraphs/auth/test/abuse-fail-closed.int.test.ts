// When Redis cannot answer, the abuse limits refuse (RATE_LIMITED) instead of letting unlimited
// guesses through: with nothing listening, and with a Redis that stops in the middle of an attack
// (a private redis-server on a spare port; the shared one is never touched).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { AppError, createRedis, type Redis } from '@omni/core';
import { freePort } from '@omni/core/testing';
import { AbuseLimits } from '../src/abuse/limits.js';
import { callLogIn, startAuth } from './harness.js';

const opened: Redis[] = [];
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const redis of opened) redis.disconnect();
  for (const child of started) child.kill('SIGKILL');
});

function limitsOn(url: string) {
  const redis = createRedis(url, 'abuse-fail-closed-test', undefined, { failFast: true });
  redis.on('error', () => undefined); // expected: nothing (or no longer anything) listens
  opened.push(redis);
  return { redis, limits: new AbuseLimits(redis, { prefix: `test:${randomUUID()}:abuse` }) };
}

async function expectRateLimited(work: Promise<unknown>) {
  const error: unknown = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
}

/** A throw-away redis-server on a spare port, answering once it is up. */
async function startPrivateRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  started.push(child);
  const url = `redis://127.0.0.1:${port}`;
  const probe = createRedis(url, 'probe', undefined, { failFast: true });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 100; i += 1) {
      if (await probe.ping().then(() => true, () => false)) return { url, child };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('private redis-server did not start');
  } finally {
    probe.disconnect();
  }
}

describe.concurrent('abuse limits fail closed', () => {
  test('nothing listening: every check is refused, quickly', async () => {
    const { limits } = limitsOn(`redis://127.0.0.1:${await freePort()}`);
    const started = performance.now();
    await expectRateLimited(limits.check('logIn', { account: 'someone@example.test', ip: '192.0.2.1' }));
    await expectRateLimited(limits.check('verifyMfa', { ip: '192.0.2.1' }));
    await expectRateLimited(limits.fail('logIn', { account: 'someone@example.test' }));
    // A success already happened; resetting the counter is best effort and never fails the caller.
    await expect(limits.succeed('logIn', { account: 'someone@example.test' })).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  test('Redis stopping in the middle of a brute force: the next attempt is refused', async () => {
    const { url, child } = await startPrivateRedis();
    const { limits, redis } = limitsOn(url);
    await redis.ping().catch(() => undefined);
    const keys = { account: `victim-${randomUUID()}@example.test`, ip: '192.0.2.2' };
    await limits.check('logIn', keys);
    await limits.fail('logIn', keys);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    await expectRateLimited(limits.check('logIn', keys));
  });

  test('logIn answers RATE_LIMITED when its limits cannot reach Redis', async () => {
    const { redis: limitsRedis } = limitsOn(`redis://127.0.0.1:${await freePort()}`);
    const auth = await startAuth({ limitsRedis });
    try {
      const response = await callLogIn(auth, { email: `nobody-${randomUUID()}@example.test`, password: 'whatever-password' });
      expect(response.data?.logIn ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    } finally {
      await auth.close();
    }
  });
});
