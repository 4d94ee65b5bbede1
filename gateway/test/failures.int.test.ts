// Failures and operations (reference: security.md §4.4, §4.7): whatever breaks behind the
// gateway, the client sees a generic error with no stack, SQL, URL or subgraph name, while
// readiness and metrics tell operators what is going on. (The JWKS endpoint, and tokens when
// Auth's keys are unreachable, are tested against the real Auth: test/e2e/access-tokens.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type RunningGateway, type Stack } from './helpers/harness.js';
import { freePort } from '@omni/core/testing';
import { LEGACY_LEAK } from './helpers/test-subgraphs.js';

let stack: Stack;
/** Same subgraphs, but `legacy` is down and `omni` times out after 300 ms. */
let degraded: RunningGateway;
/** Signs with a secret the subgraph does not share, so every subgraph call answers 401. */
let misconfigured: RunningGateway;
let deadOrigin: string;

beforeAll(async () => {
  stack = await startStack();
  deadOrigin = `http://127.0.0.1:${await freePort()}`;
  degraded = await startGateway({ upstreams: { omni: stack.omni.url, legacy: `${deadOrigin}/graphql` }, env: { SUBGRAPH_TIMEOUT_MS: '300' } });
  misconfigured = await startGateway({
    upstreams: { omni: stack.omni.url, legacy: stack.legacy.url },
    env: { INTERNAL_CONTEXT_SECRET: 'a-different-secret-than-the-subgraphs-000' },
  });
});
afterAll(async () => {
  await Promise.all([degraded?.stop(), misconfigured?.stop()]);
  await stack?.stop();
});

const INTERNAL = { message: 'Internal server error', extensions: { code: 'INTERNAL' } };

/** Nothing in the response body that only the inside knows. */
function expectNothingInternal(text: string, extra: string[] = []) {
  for (const secret of ['stack', 'serviceName', 'omni', 'legacy', 'select', 'insert', 'constraint', '127.0.0.1', '10.', 'ECONNREFUSED', '/srv/', ...extra]) {
    expect(text, secret).not.toContain(secret);
  }
}

describe('error masking', () => {
  it('masks an unexpected subgraph error (SQL, database URL) as INTERNAL', async () => {
    const { body } = await stack.gw.post('{ boom }');
    expect(body).toEqual({ data: { boom: null }, errors: [{ ...INTERNAL, path: ['boom'] }] });
  });

  it('masks what a careless subgraph leaks: SQL, stack trace, internal URL', async () => {
    const { body } = await stack.gw.post('{ leaky }');
    expect(body.errors).toEqual([expect.objectContaining(INTERNAL)]);
    expectNothingInternal(JSON.stringify(body), [LEGACY_LEAK.message]);
  });

  it('masks a subgraph answering HTTP 500 with an HTML stack trace', async () => {
    const { status, body } = await stack.gw.post('{ broken }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { broken: null }, errors: [INTERNAL] });
  });

  it('passes expected errors through with their fields, minus the subgraph name', async () => {
    const { body } = await stack.gw.post('{ invalidInput }');
    expect(body.errors).toEqual([
      {
        message: 'Invalid input: input.email',
        path: ['invalidInput'],
        extensions: { code: 'VALIDATION_FAILED', fields: [{ field: 'input.email', message: 'Invalid email' }] },
      },
    ]);
  });

  it('masks a subgraph that refuses the gateway (secret mismatch) instead of blaming the client', async () => {
    const { status, body } = await misconfigured.post('{ whoami { requestId } }');
    expect(status).toBe(200);
    expect(body.errors).toEqual([INTERNAL]);
    expectNothingInternal(JSON.stringify(body), ['UNAUTHENTICATED', '401']);
  });
});

describe('subgraph down or slow', () => {
  it('answers a masked error without the subgraph URL when a subgraph is down', async () => {
    const { body } = await degraded.post('{ leaky }');
    expect(body).toEqual({ data: { leaky: null }, errors: [INTERNAL] });
    expectNothingInternal(JSON.stringify(body), [deadOrigin]);
  });

  it('gives up on a slow subgraph after the configured timeout', async () => {
    const started = Date.now();
    const { body } = await degraded.post('{ slow(ms: 3000) }');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(body).toEqual({ data: null, errors: [INTERNAL] });
  });

  it('records subgraph fetches by subgraph and outcome', async () => {
    const metrics = await (await fetch(`${degraded.origin}/metrics`)).text();
    expect(metrics).toMatch(/omni_gateway_subgraph_fetch_duration_seconds_count\{[^}]*subgraph="legacy",outcome="unreachable"\} [1-9]/);
    expect(metrics).toMatch(/omni_gateway_subgraph_fetch_duration_seconds_count\{[^}]*subgraph="omni",outcome="timeout"\} [1-9]/);
  });
});

describe('operations endpoints', () => {
  it('/healthz answers while dependencies are down; /readyz reports each subgraph', async () => {
    expect((await fetch(`${degraded.origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.gw.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', 'subgraph:omni': 'ok', 'subgraph:legacy': 'ok' } });
    const notReady = await fetch(`${degraded.origin}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ checks: { 'subgraph:legacy': 'down', 'subgraph:omni': 'ok' } });
  });

  it('/metrics has operation durations by operation name and errors by code', async () => {
    await stack.gw.post('query NamedForMetrics { whoami { requestId } }');
    await stack.gw.post('{ boom }');
    const metrics = await (await fetch(`${stack.gw.origin}/metrics`)).text();
    expect(metrics).toMatch(/omni_graphql_operation_duration_seconds_count\{[^}]*operation="NamedForMetrics",outcome="ok"\} 1/);
    expect(metrics).toMatch(/omni_graphql_errors_total\{code="INTERNAL"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/omni_gateway_subgraph_fetch_duration_seconds_count\{[^}]*subgraph="omni",outcome="ok"\} [1-9]/);
  });
});
