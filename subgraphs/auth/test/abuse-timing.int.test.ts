// No enumeration by timing: an unknown email costs about as much as a wrong password (the
// unknown path verifies against a dummy hash). Medians of interleaved samples, compared as a
// ratio so a slow machine does not matter; the tests run one at a time to keep noise down.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_POLICIES } from '../src/abuse/policies.js';
import { callLogIn, signUp, startAuth, type AuthHarness } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  // Many failures on one account from one IP: the limits must not answer (fast) instead.
  auth = await startAuth({ abuse: { policies: { logIn: { ...DEFAULT_POLICIES.logIn, ipPoints: 1_000, failuresBeforeLockout: 1_000 } } } });
});
afterAll(() => auth?.close());

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed(email: string): Promise<number> {
  const started = performance.now();
  const response = await callLogIn(auth, { email, password: 'not-the-password' });
  expect(response.data?.logIn.__typename).toBe('InvalidCredentials');
  return performance.now() - started;
}

describe('logIn timing', () => {
  test('an unknown email takes about as long as a wrong password (medians)', async () => {
    const { input } = await signUp(auth);
    const unknown = () => `nobody-${randomUUID()}@example.test`;
    for (let i = 0; i < 3; i += 1) await Promise.all([timed(input.email), timed(unknown())]); // warm-up
    const samples = { wrong: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 21; i += 1) {
      samples.wrong.push(await timed(input.email));
      samples.unknown.push(await timed(unknown()));
    }
    const ratio = median(samples.unknown) / median(samples.wrong);
    // Without the dummy verification an unknown email answers in a fraction of the time.
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
  });
});
