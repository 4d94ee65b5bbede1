// What the operations record: log-in success and failure in the account's company, and the
// schema's AuditAction enum kept equal to the recorder's list (a new action needs both).
import { fileURLToPath } from 'node:url';
import { buildASTSchema, isEnumType } from 'graphql';
import { loadSubgraphTypeDefs } from '@omni/core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { AUDIT_ACTIONS } from '../src/audit/recorder.js';
import { callLogIn, startAuth, type AuthHarness } from './harness.js';
import { companyWith } from './members-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

describe.concurrent('log-in events', () => {
  test('a successful and a wrong-password log-in are recorded in the account’s company with IP', async () => {
    const { companyId, owner } = await companyWith(auth);
    await callLogIn(auth, { email: owner.email, password: owner.password });
    await callLogIn(auth, { email: owner.email, password: 'wrong-password-123' });

    // The failure is recorded after the answer (so timing does not reveal known emails).
    await vi.waitFor(async () => {
      const events = await auth.sql('SELECT action, "actorUserId", ip, "userAgent" FROM "AuditEvent" WHERE "companyId" = $1 AND action LIKE $2 ORDER BY "createdAt"', [
        companyId,
        'LOGIN_%',
      ]);
      expect(events).toEqual([
        { action: 'LOGIN_SUCCEEDED', actorUserId: owner.userId, ip: '127.0.0.1', userAgent: 'auth-tests' },
        { action: 'LOGIN_FAILED', actorUserId: owner.userId, ip: '127.0.0.1', userAgent: 'auth-tests' },
      ]);
    }, { timeout: 5_000, interval: 50 });
  });
});

describe('AuditAction', () => {
  test('the schema enum lists exactly the recorder’s actions', () => {
    const schema = buildASTSchema(loadSubgraphTypeDefs(fileURLToPath(new URL('../src/schema', import.meta.url))), { assumeValidSDL: true });
    const type = schema.getType('AuditAction');
    expect(isEnumType(type) ? type.getValues().map((v) => v.name) : []).toEqual([...AUDIT_ACTIONS]);
  });
});
