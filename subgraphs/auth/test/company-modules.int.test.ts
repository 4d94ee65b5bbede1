// Per-tenant modules: Company.modules and setModuleEnabled, with the company state the gateway
// reads published to Redis after each change.
import { principalStateKeys } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { auditActions, codesOf, companyWith, LiveState, resultOf } from './members-fixtures.js';

let auth: AuthHarness;
let live: LiveState;
beforeAll(async () => {
  auth = await startAuth();
  live = new LiveState(auth);
});
afterAll(async () => {
  live?.close();
  await auth?.close();
});

const MODULES_OF_MY_COMPANY = /* GraphQL */ `
  query Modules { me { company { id modules } } }
`;

const SET_MODULE = /* GraphQL */ `
  mutation SetModule($input: SetModuleEnabledInput!) {
    setModuleEnabled(input: $input) {
      __typename
      ... on ModuleSwitched { module enabled company { id modules } }
      ... on ValidationFailed { code fields { field message } }
    }
  }
`;

async function storedModules(companyId: string): Promise<string[]> {
  const [row] = await auth.sql<{ modules: string[] }>('SELECT modules FROM "Company" WHERE id = $1', [companyId]);
  return row?.modules ?? [];
}

describe.concurrent('Company.modules', () => {
  test('a new company has every optional module on', async () => {
    const { companyId, people } = await companyWith(auth, ['VIEWER']);
    const response = await auth.call<{ me: { company: { id: string; modules: string[] } } }>(MODULES_OF_MY_COMPANY, {}, people[0]!.principal);
    expect(response.data?.me.company).toEqual({ id: companyId, modules: ['CHAT', 'CRM', 'ERP', 'KNOWLEDGE', 'AI'] });
  });

  test('a session just opened (no token yet) shows its company’s modules', async () => {
    const { owner } = await companyWith(auth);
    await auth.call(SET_MODULE, { input: { module: 'ERP', enabled: false } }, owner.principal);
    const LOG_IN_MODULES = /* GraphQL */ `
      mutation LogIn($input: LogInInput!) { logIn(input: $input) { ... on AuthPayload { user { company { modules } } } } }
    `;
    const response = await auth.call<{ logIn: { user: { company: { modules: string[] } } } }>(LOG_IN_MODULES, { input: { email: owner.email, password: owner.password } });
    expect(response.errors).toBeUndefined();
    expect(response.data?.logIn.user.company.modules).toEqual(['CHAT', 'CRM', 'KNOWLEDGE', 'AI']);
  });
});

describe.concurrent('setModuleEnabled', () => {
  test('switches a module off and on: stored, published for the gateway, audited', async () => {
    const { companyId, owner } = await companyWith(auth);

    const off = resultOf(await auth.call(SET_MODULE, { input: { module: 'CRM', enabled: false } }, owner.principal), 'setModuleEnabled');

    expect(off).toEqual({ __typename: 'ModuleSwitched', module: 'CRM', enabled: false, company: { id: companyId, modules: ['CHAT', 'ERP', 'KNOWLEDGE', 'AI'] } });
    expect(await storedModules(companyId)).toEqual(['chat', 'erp', 'knowledge', 'ai']);
    expect(await live.get(principalStateKeys.company(companyId))).toEqual({ modules: ['auth', 'chat', 'erp', 'knowledge', 'ai'] });

    await auth.call(SET_MODULE, { input: { module: 'CRM', enabled: true } }, owner.principal);

    expect(await storedModules(companyId)).toEqual(['chat', 'crm', 'erp', 'knowledge', 'ai']);
    expect(await live.get(principalStateKeys.company(companyId))).toEqual({ modules: ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] });
    const events = await auth.sql('SELECT "actorUserId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2 ORDER BY "createdAt"', [companyId, 'MODULE_TOGGLED']);
    expect(events).toEqual([
      { actorUserId: owner.userId, metadata: { module: 'crm', enabled: false } },
      { actorUserId: owner.userId, metadata: { module: 'crm', enabled: true } },
    ]);
  });

  test('is idempotent: switching off twice records one change', async () => {
    const { companyId, owner } = await companyWith(auth);
    for (let i = 0; i < 2; i += 1) await auth.call(SET_MODULE, { input: { module: 'AI', enabled: false } }, owner.principal);
    expect((await auditActions(auth, companyId)).filter((a) => a === 'MODULE_TOGGLED')).toHaveLength(1);
    expect(await storedModules(companyId)).toEqual(['chat', 'crm', 'erp', 'knowledge']);
  });

  test('concurrent toggles of different modules both take effect', async () => {
    const { companyId, owner } = await companyWith(auth);
    await Promise.all(
      (['CHAT', 'ERP', 'AI'] as const).map((module) => auth.call(SET_MODULE, { input: { module, enabled: false } }, owner.principal)),
    );
    expect(await storedModules(companyId)).toEqual(['crm', 'knowledge']);
    expect(await live.get(principalStateKeys.company(companyId))).toEqual({ modules: ['auth', 'crm', 'knowledge'] });
  });

  test('an ADMIN may; MEMBER and VIEWER get FORBIDDEN and nothing is written', async () => {
    const { companyId, people } = await companyWith(auth, ['ADMIN', 'MEMBER', 'VIEWER']);
    const [admin, member, viewer] = people;
    for (const person of [member!, viewer!]) {
      expect(codesOf(await auth.call(SET_MODULE, { input: { module: 'CHAT', enabled: false } }, person.principal))).toEqual(['FORBIDDEN']);
    }
    expect(await storedModules(companyId)).toEqual(['chat', 'crm', 'erp', 'knowledge', 'ai']);
    expect(await auditActions(auth, companyId)).not.toContain('MODULE_TOGGLED');
    expect(resultOf<{ __typename: string }>(await auth.call(SET_MODULE, { input: { module: 'CHAT', enabled: false } }, admin!.principal), 'setModuleEnabled').__typename).toBe(
      'ModuleSwitched',
    );
  });

  test('changes only the caller’s company', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth);
    await auth.call(SET_MODULE, { input: { module: 'KNOWLEDGE', enabled: false } }, a.owner.principal);
    expect(await storedModules(b.companyId)).toEqual(['chat', 'crm', 'erp', 'knowledge', 'ai']);
    expect(await auditActions(auth, b.companyId)).not.toContain('MODULE_TOGGLED');
  });

  test('an unknown module is refused before anything runs', async () => {
    const { companyId, owner } = await companyWith(auth);
    const response = await auth.call(SET_MODULE, { input: { module: 'AUTH', enabled: false } }, owner.principal);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(await storedModules(companyId)).toEqual(['chat', 'crm', 'erp', 'knowledge', 'ai']);
  });
});
