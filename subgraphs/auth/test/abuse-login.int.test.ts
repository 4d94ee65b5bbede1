// Brute force and enumeration through the API, with the real policies: a locked-out account
// answers exactly like a locked-out unknown email, each IP has its rate, aliases count one by
// one, and verifyMfa locks the user out too. Every test uses its own client IP, so they share no
// budget. (Timing: abuse-timing.int.test.ts.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_POLICIES } from '../src/abuse/policies.js';
import { signUp, startAuth, type AuthHarness } from './harness.js';
import { challengeFor, enrolledUser, LOG_IN_MFA, midStep, mutate, oathtoolCode, requireOathtool, someClient, STEP_SECONDS, VERIFY } from './mfa-support.js';

const LOCKOUT_AFTER = DEFAULT_POLICIES.logIn.failuresBeforeLockout;

let auth: AuthHarness;
beforeAll(async () => {
  requireOathtool();
  auth = await startAuth();
});
afterAll(() => auth?.close());

const nobody = () => `nobody-${randomUUID()}@example.test`;

function logIn(email: string, password: string, client = someClient()) {
  return mutate(auth, LOG_IN_MFA, { email, password }, null, client);
}

/** The response without the seconds to wait, which tick down between two calls. */
function withoutRetryAfter(response: Awaited<ReturnType<typeof logIn>>['response']) {
  return JSON.parse(JSON.stringify(response, (key, value: unknown) => (key === 'retryAfterSeconds' ? 'n' : value))) as unknown;
}

describe.concurrent('logIn abuse limits', () => {
  test(`after ${LOCKOUT_AFTER} failures a known and an unknown email are locked out alike, even with the right password`, async () => {
    const { input } = await signUp(auth);
    const unknown = nobody();
    for (let i = 0; i < LOCKOUT_AFTER; i += 1) {
      expect((await logIn(input.email, 'wrong-password-1')).result?.__typename).toBe('InvalidCredentials');
      expect((await logIn(unknown, 'wrong-password-1')).result?.__typename).toBe('InvalidCredentials');
    }

    const known = await logIn(input.email, input.password);
    const stranger = await logIn(unknown, 'wrong-password-1');
    expect(known.response.data).toBeNull();
    expect(known.response.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    const retryAfter = Number(known.response.errors?.[0]?.extensions?.['retryAfterSeconds']);
    expect(retryAfter).toBeGreaterThan(DEFAULT_POLICIES.logIn.lockoutBaseSeconds - 5);
    expect(retryAfter).toBeLessThanOrEqual(DEFAULT_POLICIES.logIn.lockoutBaseSeconds);
    expect(withoutRetryAfter(stranger.response)).toEqual(withoutRetryAfter(known.response));
    // Another email from the same clients is unaffected: the lockout is per account.
    expect((await logIn(nobody(), 'wrong-password-1')).result?.__typename).toBe('InvalidCredentials');
  });

  test('one IP gets its rate of attempts, then RATE_LIMITED for any email; other IPs go on', async () => {
    const client = someClient();
    const { ipPoints } = DEFAULT_POLICIES.logIn;
    for (let batch = 0; batch < ipPoints; batch += 10) {
      const results = await Promise.all(Array.from({ length: Math.min(10, ipPoints - batch) }, () => logIn(nobody(), 'pw-12345678', client)));
      for (const { result } of results) expect(result?.__typename).toBe('InvalidCredentials');
    }
    const refused = await logIn(nobody(), 'pw-12345678', client);
    expect(refused.response.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect((await logIn(nobody(), 'pw-12345678')).result?.__typename).toBe('InvalidCredentials');
  });

  test('aliased attempts in one request count one by one', async () => {
    const { input } = await signUp(auth);
    const aliases = Array.from({ length: LOCKOUT_AFTER }, (_, i) => `a${i}: logIn(input: $input) { __typename }`).join('\n');
    const response = await auth.call<Record<string, { __typename: string }>>(
      `mutation($input: LogInInput!) { ${aliases} }`,
      { input: { email: input.email, password: 'wrong-password-2' } },
      null,
      someClient(),
    );
    expect(Object.values(response.data ?? {}).map((r) => r.__typename)).toEqual(Array(LOCKOUT_AFTER).fill('InvalidCredentials'));
    // One request, yet the account reached its lockout: the right password is refused now.
    const next = await logIn(input.email, input.password);
    expect(next.response.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe.concurrent('verifyMfa abuse limits', () => {
  test(`${LOCKOUT_AFTER} wrong codes lock the user out of verifyMfa, across challenges`, async () => {
    const user = await enrolledUser(auth);
    const client = someClient();
    const now = await midStep();
    const wrong = oathtoolCode(user.secret, now + 10 * STEP_SECONDS);
    for (let i = 0; i < LOCKOUT_AFTER; i += 1) {
      const { result } = await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user, client), code: wrong }, null, client);
      expect(result?.__typename).toBe('InvalidMfaCode');
    }
    const challenge = await challengeFor(auth, user, client);
    const right = await mutate(auth, VERIFY, { challenge, code: oathtoolCode(user.secret, now) }, null, client);
    expect(right.response.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  });
});
