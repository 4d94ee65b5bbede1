// Per-tenant modules end to end: Auth plus a subgraph with a field guarded by moduleEnabled('crm')
// (the gateway tests' `omni` subgraph), behind TWO gateways sharing Redis. An owner switches crm
// off through one gateway (setModuleEnabled); the very next request through either gateway gets
// MODULE_DISABLED for that company only, for tokens and API keys alike, with no restart. Auth
// itself is always on, whatever the company's state says.
import { parse } from 'graphql';
import { createRedis, MODULES } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OMNI_SDL } from '../../gateway/test/helpers/fixture-supergraph.js';
import { startOmniSubgraph, type OmniSubgraph } from '../../gateway/test/helpers/test-subgraphs.js';
import { PrincipalStatePublisher } from '../../subgraphs/auth/src/principal-state/publisher.js';
import { startPlatform, type Platform } from './platform.js';

let omni: OmniSubgraph;
let platform: Platform;

beforeAll(async () => {
  omni = await startOmniSubgraph(testConfig());
  platform = await startPlatform({ gateways: 2, extraSubgraphs: [{ name: 'omni', url: omni.url, typeDefs: parse(OMNI_SDL) }] });
});
afterAll(async () => {
  await platform?.stop();
  await omni?.stop();
});

const SET_MODULE = `mutation($input: SetModuleEnabledInput!) { setModuleEnabled(input: $input) { __typename } }`;

const owner = async () => (await platform.signUp()).token;

async function apiKeyOf(token: string): Promise<string> {
  const account = await platform.graphql<{ createServiceAccount: { id: string } }>(
    'mutation { createServiceAccount(input: { name: "crm sync" }) { ... on ServiceAccount { id } } }',
    { token },
  );
  const created = await platform.graphql<{ createApiKey: { secret: string } }>(
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { ... on ApiKeyCreated { secret } } }',
    { token, variables: { input: { serviceAccountId: account.body.data!.createServiceAccount.id, name: 'k', scopes: ['CRM_READ'] } } },
  );
  return created.body.data!.createApiKey.secret;
}

const crm = (gateway: number, credential: string) => platform.graphql('{ crmThing }', { gateway, headers: { authorization: `Bearer ${credential}` } });
const codes = (r: Awaited<ReturnType<typeof crm>>) => r.body.errors?.map((e) => e.extensions?.['code']);

describe('switching a module on two gateways', () => {
  it('answers MODULE_DISABLED on the next request on every gateway, and serves the field again when back on', async () => {
    const token = await owner();
    const key = await apiKeyOf(token);
    const bystander = await owner();
    const credentials = [token, key];
    for (const gateway of [0, 1]) for (const c of credentials) expect((await crm(gateway, c)).body).toEqual({ data: { crmThing: 'crm is on' } });

    const off = await platform.graphql<{ setModuleEnabled: { __typename: string } }>(SET_MODULE, { token, gateway: 0, variables: { input: { module: 'CRM', enabled: false } } });
    expect(off.body.data?.setModuleEnabled.__typename).toBe('ModuleSwitched');
    for (const gateway of [0, 1]) {
      for (const c of credentials) {
        const response = await crm(gateway, c);
        expect(response.body.data).toEqual({ crmThing: null });
        expect(codes(response)).toEqual(['MODULE_DISABLED']);
      }
      expect((await crm(gateway, bystander)).body).toEqual({ data: { crmThing: 'crm is on' } });
      // Auth is the platform itself and stays on.
      expect((await platform.graphql('{ me { id } }', { gateway, token })).body.errors).toBeUndefined();
    }

    await platform.graphql(SET_MODULE, { token, gateway: 1, variables: { input: { module: 'CRM', enabled: true } } });
    for (const gateway of [0, 1]) for (const c of credentials) expect((await crm(gateway, c)).body).toEqual({ data: { crmThing: 'crm is on' } });
  });

  it('always keeps auth on, whatever the company state says', async () => {
    const account = await platform.signUp();
    const modules = async () => (await platform.graphql<{ whoami: { modules: string[] } }>('{ whoami { modules } }', { token: account.token, gateway: 1 })).body;
    expect(await modules()).toEqual({ data: { whoami: { modules: [...MODULES] } } });
    // Auth never publishes a company without auth; a state saying so must not switch auth off.
    const redis = createRedis(platform.config.redis.url, 'e2e-modules');
    try {
      await new PrincipalStatePublisher(redis).company(account.companyId, { modules: [] });
    } finally {
      redis.disconnect();
    }
    expect(await modules()).toEqual({ data: { whoami: { modules: ['auth'] } } });
  });
});
