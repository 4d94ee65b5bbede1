// requestPasswordReset tells nobody whether an account exists: the same answer, no mail, no
// large timing gap for unknown emails; and it is limited per email and per client IP, the same
// way for known and unknown emails (RATE_LIMITED, failing closed, is AbuseLimits' own test).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ClientInfo } from '@omni/core';
import { waitFor } from './email-fixtures.js';
import { signUp, startAuth, type AuthHarness } from './harness.js';
import { clientIp, mailTo, requestReset } from './password-reset-fixtures.js';

let auth: AuthHarness;
/** Limits far above what the timing test sends, so it measures the work, not the limiter. */
let unlimited: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
  const loose = { ipPoints: 10_000, ipWindowSeconds: 60, failuresBeforeLockout: 10_000, lockoutBaseSeconds: 1, lockoutMaxSeconds: 1, lockoutMemorySeconds: 60 };
  unlimited = await startAuth({ abuse: { policies: { passwordReset: loose } } });
});
afterAll(async () => {
  await Promise.all([auth?.close(), unlimited?.close()]);
});

const unknownEmail = () => `nobody-${randomUUID()}@example.test`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed(harness: AuthHarness, email: string, client: ClientInfo): Promise<number> {
  const started = performance.now();
  const response = await requestReset(harness, email, client);
  if (response.data?.requestPasswordReset.__typename !== 'PasswordResetRequested') throw new Error(JSON.stringify(response));
  return performance.now() - started;
}

describe.concurrent('requestPasswordReset and account enumeration', () => {
  test('known and unknown emails get the identical answer, and only the known one gets mail', async () => {
    const since = new Date();
    const { input } = await signUp(auth);
    const stranger = unknownEmail();
    const known = await requestReset(auth, input.email);
    const unknown = await requestReset(auth, stranger);
    expect(unknown).toEqual(known);
    expect(known).toEqual({ data: { requestPasswordReset: { __typename: 'PasswordResetRequested', message: expect.any(String) } } });

    await waitFor(async () => (await mailTo(auth, input.email, since)).length === 1);
    // The known address's mail has gone through the whole pipeline; nothing was written for the other.
    expect(await auth.sql('SELECT 1 FROM "EmailMessage" WHERE "to" = $1', [stranger])).toHaveLength(0);
    expect(await mailTo(auth, stranger, since)).toHaveLength(0);
  });

  test('unknown emails take about as long as known ones (medians within 50 %)', async () => {
    const accounts = await Promise.all([1, 2, 3, 4].map(() => signUp(unlimited)));
    const client = clientIp();
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i += 1) await timed(unlimited, i % 2 ? unknownEmail() : (accounts[0]?.input.email ?? ''), client); // warm-up
    for (let i = 0; i < 40; i += 1) {
      known.push(await timed(unlimited, accounts[i % accounts.length]?.input.email ?? '', client));
      unknown.push(await timed(unlimited, unknownEmail(), client));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio, `median unknown ${median(unknown).toFixed(1)} ms / known ${median(known).toFixed(1)} ms`).toBeGreaterThan(0.67);
    expect(ratio).toBeLessThan(1.5);
  });

  test('the sixth request for one email within the lockout memory is refused, known or unknown alike', async () => {
    const { input } = await signUp(auth);
    for (const email of [input.email, unknownEmail()]) {
      for (let i = 0; i < 5; i += 1) {
        expect((await requestReset(auth, email)).data?.requestPasswordReset.__typename).toBe('PasswordResetRequested');
      }
      const refused = await requestReset(auth, email);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    }
  });

  test('one client IP may make 20 reset calls per 15 minutes', async () => {
    const client = clientIp();
    for (let i = 0; i < 20; i += 1) {
      expect((await requestReset(auth, unknownEmail(), client)).data?.requestPasswordReset.__typename).toBe('PasswordResetRequested');
    }
    const refused = await requestReset(auth, unknownEmail(), client);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    // Another address is not affected.
    expect((await requestReset(auth, unknownEmail())).data?.requestPasswordReset.__typename).toBe('PasswordResetRequested');
  });
});
