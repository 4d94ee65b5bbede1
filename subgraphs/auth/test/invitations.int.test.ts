// Sending, listing and withdrawing invitations: the row, the queued (encrypted) email with the
// only copy of the secret, the audit trail, the permission matrix and tenant isolation.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';
import { auditActions, codesOf, companyWith, invitationTokenFor, mailTo, resultOf, uniqueEmail } from './members-fixtures.js';
import { INVITE, invite, LIST_PENDING, REVOKE } from './invitations-fixtures.js';

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

describe.concurrent('inviteMember', () => {
  test('stores the invitation, queues the email with the only copy of the secret, audits without it', async () => {
    const { companyId, owner } = await companyWith(auth);
    const email = uniqueEmail();

    const response = await auth.call(INVITE, { input: { email: `  ${email.toUpperCase()} `, role: 'MEMBER' } }, owner.principal);

    const result = resultOf<{ invitation: { id: string; createdAt: string; expiresAt: string } }>(response, 'inviteMember');
    expect(result).toMatchObject({ __typename: 'InvitationSent', invitation: { email, role: 'MEMBER', invitedBy: { id: owner.userId } } });
    const { createdAt, expiresAt } = result.invitation;
    expect(new Date(expiresAt).getTime() - new Date(createdAt).getTime()).toBeCloseTo(7 * 24 * 3600 * 1000, -4);
    const token = await invitationTokenFor(auth, email);
    expect(token).toMatch(/^omi_[A-Za-z0-9_-]+$/);
    expect(await invitationRows(companyId)).toEqual([
      { id: result.invitation.id, email, role: 'MEMBER', tokenHash: createHash('sha256').update(token).digest('hex'), revokedAt: null, acceptedAt: null },
    ]);
    const [mail] = await mailTo(auth, email);
    expect(mail?.text).toContain(`${auth.config.mail.publicAppUrl}/accept-invitation?token=${token}`);
    expect(mail?.sealed).not.toContain(token);
    expect(JSON.stringify(response)).not.toContain(token);
    const events = await auth.sql('SELECT action, "actorUserId", "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'MEMBER_INVITED']);
    expect(events).toEqual([{ action: 'MEMBER_INVITED', actorUserId: owner.userId, targetId: result.invitation.id, metadata: { email, role: 'MEMBER' } }]);
  });

  test('inviting again replaces the pending invitation', async () => {
    const { companyId, owner } = await companyWith(auth);
    const email = uniqueEmail();
    const first = await invite(auth, owner.principal, email, 'VIEWER');
    const second = await invite(auth, owner.principal, email, 'ADMIN');

    const rows = await invitationRows(companyId);
    expect(rows.map((r) => ({ id: r.id, role: r.role, revoked: r.revokedAt !== null }))).toEqual([
      { id: first.invitation.id, role: 'VIEWER', revoked: true },
      { id: second.invitation.id, role: 'ADMIN', revoked: false },
    ]);
    expect(await mailTo(auth, email)).toHaveLength(2);
    const [replaced] = await auth.sql('SELECT "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2', [companyId, 'INVITATION_REVOKED']);
    expect(replaced).toEqual({ targetId: first.invitation.id, metadata: { reason: 'REPLACED' } });
  });

  test('a member’s email gives AlreadyMember and writes nothing; another company’s user is just invited', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['VIEWER']);
    const outsider = await companyWith(auth);

    const member = resultOf(await auth.call(INVITE, { input: { email: people[0]!.email.toUpperCase(), role: 'ADMIN' } }, owner.principal), 'inviteMember');
    const other = resultOf<{ __typename: string }>(await auth.call(INVITE, { input: { email: outsider.owner.email, role: 'ADMIN' } }, owner.principal), 'inviteMember');

    expect(member).toEqual({ __typename: 'AlreadyMember', code: 'CONFLICT', message: expect.any(String) });
    expect(await mailTo(auth, people[0]!.email)).toEqual([]);
    expect(other.__typename).toBe('InvitationSent');
    expect((await invitationRows(companyId)).map((r) => r.email)).toEqual([outsider.owner.email]);
  });

  test('inviting as OWNER needs owners:manage: an ADMIN gets FORBIDDEN, the OWNER may', async () => {
    const { companyId, owner, people } = await companyWith(auth, ['ADMIN']);
    const email = uniqueEmail();
    expect(codesOf(await auth.call(INVITE, { input: { email, role: 'OWNER' } }, people[0]!.principal))).toEqual(['FORBIDDEN']);
    expect(await invitationRows(companyId)).toEqual([]);
    expect((await invite(auth, owner.principal, email, 'OWNER')).invitation.role).toBe('OWNER');
  });

  test.each(['MEMBER', 'VIEWER'] as const)('%s gets FORBIDDEN on every invitation operation and nothing is written', async (role) => {
    const { companyId, owner, people } = await companyWith(auth, [role]);
    const pending = await invite(auth, owner.principal, uniqueEmail(), 'VIEWER');
    const email = uniqueEmail();
    const caller = people[0]!.principal;

    expect(codesOf(await auth.call(INVITE, { input: { email, role: 'VIEWER' } }, caller))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(REVOKE, { input: { id: pending.invitation.id } }, caller))).toEqual(['FORBIDDEN']);
    expect(codesOf(await auth.call(LIST_PENDING, {}, caller))).toEqual(['FORBIDDEN']);
    expect((await invitationRows(companyId)).map((r) => ({ id: r.id, revoked: r.revokedAt !== null }))).toEqual([{ id: pending.invitation.id, revoked: false }]);
    expect(await mailTo(auth, email)).toEqual([]);
  });

  test.each([
    ['not-an-email', { role: 'MEMBER' }, 'input.email'],
    [`${'a'.repeat(250)}@example.test`, { role: 'MEMBER' }, 'input.email'],
  ])('a bad email (%s) is ValidationFailed and writes nothing', async (email, rest, field) => {
    const { companyId, owner } = await companyWith(auth);
    const before = await auditActions(auth, companyId);
    const result = resultOf(await auth.call(INVITE, { input: { email, ...rest } }, owner.principal), 'inviteMember');
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', fields: [{ field }] });
    expect(await invitationRows(companyId)).toEqual([]);
    expect(await auditActions(auth, companyId)).toEqual(before);
  });
});
