// The audit log: events written by the operations (with actor, IP and time), read newest first
// with cursor pagination and filters, for audit:read holders of the same company only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { apiKeyPrincipal, codesOf, companyWith } from './members-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

const AUDIT_LOG = /* GraphQL */ `
  query AuditLog($first: Int, $after: String, $filter: AuditLogFilter) {
    auditLog(first: $first, after: $after, filter: $filter) {
      edges { cursor node { id action actor { id email } actorApiKeyId targetType targetId ip userAgent metadata { key value } createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface AuditNode {
  id: string;
  action: string;
  actor: { id: string } | null;
  actorApiKeyId: string | null;
  metadata: Array<{ key: string; value: string | null }>;
  createdAt: string;
  ip: string | null;
}
type AuditPage = { auditLog: { edges: Array<{ node: AuditNode }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** Writes an event directly (owner role), at a chosen time. */
async function seed(companyId: string, action: string, at: string, extra: { actorUserId?: string; actorApiKeyId?: string; metadata?: object } = {}) {
  const id = randomUUID();
  await auth.sql('INSERT INTO "AuditEvent" (id, "companyId", action, "actorUserId", "actorApiKeyId", ip, metadata, "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    id,
    companyId,
    action,
    extra.actorUserId ?? null,
    extra.actorApiKeyId ?? null,
    '198.51.100.7',
    JSON.stringify(extra.metadata ?? {}),
    at,
  ]);
  return id;
}

const ids = (response: { data?: AuditPage | null }) => response.data?.auditLog.edges.map((e) => e.node.id);

describe.concurrent('auditLog', () => {
  test('lists the company’s events newest first with actor, IP, time and metadata', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN']);
    const older = await seed(companyId, 'ROLE_CHANGED', '2026-01-01T10:00:00.000Z', { actorUserId: owner.userId, metadata: { from: 'MEMBER', to: 'ADMIN', version: 2 } });
    const newer = await seed(companyId, 'API_KEY_CREATED', '2026-01-02T10:00:00.000Z', { actorApiKeyId: randomUUID() });

    const response = await auth.call<AuditPage>(AUDIT_LOG, { filter: { until: '2026-06-01T00:00:00Z' } }, people[0]!.principal);

    expect(response.errors).toBeUndefined();
    const [first, second] = response.data!.auditLog.edges.map((e) => e.node);
    expect(first).toMatchObject({ id: newer, action: 'API_KEY_CREATED', actor: null, actorApiKeyId: expect.any(String), metadata: [] });
    expect(second).toEqual({
      id: older,
      action: 'ROLE_CHANGED',
      actor: { id: owner.userId, email: owner.email },
      actorApiKeyId: null,
      targetType: null,
      targetId: null,
      ip: '198.51.100.7',
      userAgent: null,
      metadata: [
        { key: 'from', value: 'MEMBER' },
        { key: 'to', value: 'ADMIN' },
        { key: 'version', value: '2' },
      ],
      createdAt: '2026-01-01T10:00:00.000Z',
    });
  });

  test('pages with cursors, in the order of (createdAt, id) descending, even within one millisecond', async () => {
    const { companyId, owner } = await companyWith(auth);
    for (let i = 0; i < 5; i += 1) await seed(companyId, 'MEMBER_INVITED', '2025-05-05T05:05:05.005Z');
    const expected = (await auth.sql<{ id: string }>('SELECT id FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2 ORDER BY "createdAt" DESC, id DESC', [companyId, 'MEMBER_INVITED'])).map((r) => r.id);

    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 3; page += 1) {
      const response = await auth.call<AuditPage>(AUDIT_LOG, { first: 2, after, filter: { actions: ['MEMBER_INVITED'] } }, owner.principal);
      seen.push(...ids(response)!);
      after = response.data?.auditLog.pageInfo.endCursor;
      expect(response.data?.auditLog.pageInfo.hasNextPage).toBe(page < 2);
    }
    expect(seen).toEqual(expected);
  });

  test('filters by actions, actor and time window', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN']);
    const admin = people[0]!;
    const a = await seed(companyId, 'ROLE_CHANGED', '2024-03-01T00:00:00.000Z', { actorUserId: owner.userId });
    const b = await seed(companyId, 'MEMBER_REMOVED', '2024-03-02T00:00:00.000Z', { actorUserId: admin.userId });
    const c = await seed(companyId, 'ROLE_CHANGED', '2024-03-03T00:00:00.000Z', { actorUserId: admin.userId });
    const window = { since: '2024-03-01T00:00:00.000Z', until: '2024-03-04T00:00:00.000Z' };
    const query = (filter: object) => auth.call<AuditPage>(AUDIT_LOG, { filter: { ...window, ...filter } }, owner.principal);

    expect(ids(await query({}))).toEqual([c, b, a]);
    expect(ids(await query({ actions: ['ROLE_CHANGED'] }))).toEqual([c, a]);
    expect(ids(await query({ actorUserId: admin.userId }))).toEqual([c, b]);
    expect(ids(await query({ actions: ['ROLE_CHANGED'], actorUserId: admin.userId }))).toEqual([c]);
    expect(ids(await query({ since: '2024-03-02T00:00:00.000Z', until: '2024-03-03T00:00:00.000Z' }))).toEqual([b]);
  });

  test('bad filters are VALIDATION_FAILED naming the field', async () => {
    const { owner } = await companyWith(auth);
    const badActor = await auth.call(AUDIT_LOG, { filter: { actorUserId: 'x' } }, owner.principal);
    const backwards = await auth.call(AUDIT_LOG, { filter: { since: '2024-03-02T00:00:00Z', until: '2024-03-01T00:00:00Z' } }, owner.principal);
    const notADate = await auth.call(AUDIT_LOG, { filter: { since: 'yesterday' } }, owner.principal);
    expect(badActor.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'filter.actorUserId' }] });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'filter.until' }] });
    expect(notADate.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'filter.since' }] });
  });

  test('shows only the caller’s company', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth);
    const foreign = await seed(b.companyId, 'ROLE_CHANGED', '2026-02-02T00:00:00.000Z', { actorUserId: b.owner.userId });
    const own = (await auth.sql<{ id: string }>('SELECT id FROM "AuditEvent" WHERE "companyId" = $1 ORDER BY "createdAt" DESC, id DESC', [a.companyId])).map((r) => r.id);

    const response = await auth.call<AuditPage>(AUDIT_LOG, { first: 100 }, a.owner.principal);

    expect(ids(response)).toEqual(own);
    expect(ids(response)).not.toContain(foreign);
  });

  test('needs audit:read: MEMBER and VIEWER are FORBIDDEN, an API key with the scope may', async () => {
    const { companyId, people } = await companyWith(auth, ['MEMBER', 'VIEWER']);
    for (const person of people) expect(codesOf(await auth.call(AUDIT_LOG, {}, person.principal))).toEqual(['FORBIDDEN']);
    const key = await auth.call<AuditPage>(AUDIT_LOG, {}, apiKeyPrincipal(companyId, ['audit:read']));
    expect(key.errors).toBeUndefined();
  });
});
