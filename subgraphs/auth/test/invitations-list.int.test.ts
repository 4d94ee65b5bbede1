// Listing and withdrawing pending invitations: order, pagination, what counts as pending, and
// tenant isolation (another company's invitation id answers like an unknown one).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { auditActions, companyWith, resultOf, uniqueEmail } from './members-fixtures.js';
import { invite, LIST_PENDING, REVOKE, type PendingPage } from './invitations-fixtures.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

const invitationRows = (companyId: string) =>
  auth.sql<{ id: string; email: string; role: string; tokenHash: string; revokedAt: Date | null; acceptedAt: Date | null }>(
    'SELECT id, email, role, "tokenHash", "revokedAt", "acceptedAt" FROM "Invitation" WHERE "companyId" = $1 ORDER BY "createdAt"',
    [companyId],
  );

describe.concurrent('pendingInvitations', () => {
  test('pages newest first and leaves out revoked, accepted and expired ones', async () => {
    const { companyId, owner } = await companyWith(auth);
    const sent = [];
    for (let i = 0; i < 5; i += 1) sent.push(await invite(auth, owner.principal, uniqueEmail(), 'MEMBER'));
    await auth.sql('UPDATE "Invitation" SET "revokedAt" = now() WHERE id = $1', [sent[0]!.invitation.id]);
    await auth.sql('UPDATE "Invitation" SET "acceptedAt" = now() WHERE id = $1', [sent[1]!.invitation.id]);
    await auth.sql(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [sent[2]!.invitation.id]);

    const first = await auth.call<PendingPage>(LIST_PENDING, { first: 1 }, owner.principal);
    const rest = await auth.call<PendingPage>(LIST_PENDING, { first: 5, after: first.data?.pendingInvitations.pageInfo.endCursor }, owner.principal);

    const ids = [...first.data!.pendingInvitations.edges, ...rest.data!.pendingInvitations.edges].map((e) => e.node.id);
    expect(ids).toEqual([sent[4]!.invitation.id, sent[3]!.invitation.id]);
    expect(first.data?.pendingInvitations.pageInfo.hasNextPage).toBe(true);
    expect(rest.data?.pendingInvitations.pageInfo.hasNextPage).toBe(false);
    const [stored] = await auth.sql<{ n: number }>('SELECT count(*)::int AS n FROM "Invitation" WHERE "companyId" = $1', [companyId]);
    expect(stored?.n).toBe(5);
  });

  test('shows only the caller’s company', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth);
    await invite(auth, a.owner.principal, uniqueEmail(), 'MEMBER');
    const response = await auth.call<PendingPage>(LIST_PENDING, {}, b.owner.principal);
    expect(response.data?.pendingInvitations.edges).toEqual([]);
  });
});

describe.concurrent('revokeInvitation', () => {
  test('revokes a pending invitation once; then NotFound', async () => {
    const { companyId, owner } = await companyWith(auth);
    const { invitation } = await invite(auth, owner.principal, uniqueEmail(), 'MEMBER');

    const revoked = resultOf(await auth.call(REVOKE, { input: { id: invitation.id } }, owner.principal), 'revokeInvitation');
    const again = resultOf(await auth.call(REVOKE, { input: { id: invitation.id } }, owner.principal), 'revokeInvitation');

    expect(revoked).toEqual({ __typename: 'InvitationRevoked', id: invitation.id });
    expect(again).toEqual({ __typename: 'InvitationNotFound', code: 'NOT_FOUND', message: expect.any(String) });
    expect((await invitationRows(companyId))[0]?.revokedAt).toBeInstanceOf(Date);
    const events = await auth.sql('SELECT "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'INVITATION_REVOKED']);
    expect(events).toEqual([{ targetId: invitation.id, metadata: { reason: 'REVOKED' } }]);
  });

  test('another company’s invitation answers exactly like an unknown id and stays pending', async () => {
    const a = await companyWith(auth);
    const b = await companyWith(auth);
    const { invitation } = await invite(auth, b.owner.principal, uniqueEmail(), 'MEMBER');
    const before = await auditActions(auth, a.companyId);

    const foreign = await auth.call(REVOKE, { input: { id: invitation.id } }, a.owner.principal);
    const unknown = await auth.call(REVOKE, { input: { id: randomUUID() } }, a.owner.principal);
    const invalid = resultOf(await auth.call(REVOKE, { input: { id: 'nope' } }, a.owner.principal), 'revokeInvitation');

    expect(foreign).toEqual(unknown);
    expect(invalid).toMatchObject({ __typename: 'ValidationFailed', fields: [{ field: 'input.id' }] });
    expect((await invitationRows(b.companyId))[0]?.revokedAt).toBeNull();
    expect(await auditActions(auth, a.companyId)).toEqual(before);
  });
});
