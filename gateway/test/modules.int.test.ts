// Per-tenant modules at the edge: every gateway replica reads the company's modules from the
// shared live state on each request, so switching a module off answers MODULE_DISABLED on the
// next request on every replica (core's moduleEnabled rule in the subgraph), with no restart,
// and switching it on again brings the field back.
import { createRedis, principalStateKeys, type Redis } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type RunningGateway, type Stack } from './helpers/harness.js';

let stack: Stack;
let second: RunningGateway;
let redis: Redis;

beforeAll(async () => {
  stack = await startStack();
  second = await startGateway({
    upstreams: { omni: stack.omni.url, legacy: stack.legacy.url },
    jwksUrl: stack.issuer.jwksUrl,
    authInternalUrl: stack.auth.url,
  });
  redis = createRedis(testConfig().redis.url, 'modules-test');
});
afterAll(async () => {
  redis?.disconnect();
  await second?.stop();
  await stack?.stop();
});

/** What Auth publishes after setModuleEnabled (PrincipalStatePublisher.company). */
const publishModules = (companyId: string, modules: string[]) =>
  redis.set(principalStateKeys.company(companyId), JSON.stringify({ modules }), 'EX', 300);

describe('module toggles on two gateway replicas', () => {
  it('answer MODULE_DISABLED on the next request after the switch, and serve the field again after it is back', async () => {
    const claims = stack.issuer.claims();
    const other = stack.issuer.claims();
    const headers = { authorization: `Bearer ${await stack.issuer.token(claims)}` };
    const otherHeaders = { authorization: `Bearer ${await stack.issuer.token(other)}` };
    const crm = (gw: RunningGateway, h = headers) => gw.post('{ crmThing }', { headers: h });

    for (const gw of [stack.gw, second]) expect((await crm(gw)).body).toEqual({ data: { crmThing: 'crm is on' } });

    await publishModules(String(claims.cid), ['auth', 'chat']);
    for (const gw of [stack.gw, second]) {
      const { status, body } = await crm(gw);
      expect(status).toBe(200);
      expect(body.data).toEqual({ crmThing: null });
      expect(body.errors).toEqual([expect.objectContaining({ path: ['crmThing'], extensions: { code: 'MODULE_DISABLED' } })]);
      // Only that tenant: another company keeps its crm.
      expect((await crm(gw, otherHeaders)).body).toEqual({ data: { crmThing: 'crm is on' } });
    }

    await publishModules(String(claims.cid), ['auth', 'chat', 'crm']);
    for (const gw of [stack.gw, second]) expect((await crm(gw)).body).toEqual({ data: { crmThing: 'crm is on' } });
  });

  it('always keeps auth on, whatever the company state says', async () => {
    const claims = stack.issuer.claims();
    const whoami = async () => (await second.post('{ whoami { modules } }', { headers: { authorization: `Bearer ${await stack.issuer.token(claims)}` } })).body;
    expect((await whoami()).data?.['whoami']).toEqual({ modules: ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] });
    await publishModules(String(claims.cid), []);
    expect((await whoami()).data?.['whoami']).toEqual({ modules: ['auth'] });
  });
});
