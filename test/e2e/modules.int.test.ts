// Per-tenant modules end to end: Auth plus a subgraph with a field guarded by moduleEnabled('crm')
// (the gateway tests' `omni` subgraph), behind TWO gateways sharing Redis. An owner switches crm
// off through one gateway (setModuleEnabled); the very next request through either gateway gets
// MODULE_DISABLED for that company only, for tokens and API keys alike, with no restart.
import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import { testConfig } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OMNI_SDL } from '../../gateway/test/helpers/fixture-supergraph.js';
import { startOmniSubgraph, type OmniSubgraph } from '../../gateway/test/helpers/test-subgraphs.js';
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

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken } } }`;
const SET_MODULE = `mutation($input: SetModuleEnabledInput!) { setModuleEnabled(input: $input) { __typename } }`;

async function owner(): Promise<string> {
  const tag = randomUUID();
  const input = { companyName: `Co ${tag}`, name: 'Owner', email: `m-${tag}@example.test`, password: `password-${tag}` };
  return (await platform.graphql<{ signUp: { accessToken: string } }>(SIGN_UP, { variables: { input } })).body.data!.signUp.accessToken;
}

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
});
