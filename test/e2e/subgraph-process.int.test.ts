// The Auth subgraph as a real process, started the way `pnpm dev` and docker-compose start it:
// operational endpoints, and SIGTERM draining in-flight requests before a clean exit.
import { randomUUID } from 'node:crypto';
import { signInternalContext } from '@omni/core';
import { freePort, testConfig, testEnv } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTsProcess, waitForReady, type StartedProcess } from '../../scripts/lib/processes.js';

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) { signUp(input: $input) { __typename } }
`;

let port: number;
let auth: StartedProcess;
const config = testConfig();

beforeAll(async () => {
  port = await freePort();
  auth = startTsProcess('auth', 'subgraphs/auth/src/index.ts', testEnv({ AUTH_PORT: String(port) }), 'pipe');
  await waitForReady(`http://127.0.0.1:${port}/readyz`, 60_000);
});
afterAll(async () => {
  await auth?.stop();
});

async function signUpDirect() {
  const tag = randomUUID().slice(0, 8);
  const variables = { input: { companyName: `Drain ${tag}`, name: 'Drain', email: `drain-${tag}@example.test`, password: `drain-password-${tag}` } };
  const context = await signInternalContext(
    { principal: null, requestId: `drain-${tag}`, client: { ip: null, userAgent: null } },
    { secret: config.internalContext.secret, subgraph: 'auth', operation: { query: SIGN_UP, variables }, ttlSeconds: 60 },
  );
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-omni-context': context },
    body: JSON.stringify({ query: SIGN_UP, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: { signUp?: { __typename: string } } } };
}

describe('the auth subgraph process', () => {
  it('serves liveness, readiness and Prometheus metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    await signUpDirect();
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/omni_graphql_operation_duration_seconds_count\{[^}]*operation="SignUp"/);
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    // Password hashing makes each sign-up take a while; several are in flight when SIGTERM lands.
    const inFlight = Array.from({ length: 6 }, () => signUpDirect());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exitCode = auth.stop();
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.map((r) => r.body.data?.signUp?.__typename)).toEqual(Array(6).fill('AuthPayload'));
    expect(await exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
