// The only Prisma access for invitations. Every function runs inside a tenant transaction of the
// inviting company, so row-level security hides other companies' invitations and members.
import type { Role, TenantTx } from '@omni/core';

/** An invitation as GraphQL may see it: everything but the token hash. */
export interface InvitationRecord {
  id: string;
  companyId: string;
  email: string;
  role: Role;
  invitedById: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

const invitationColumns = {
  id: true,
  companyId: true,
  email: true,
  role: true,
  invitedById: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  revokedAt: true,
} as const;

/** Can still be accepted: not accepted, not revoked, not expired. */
const pending = () => ({ acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } });

/** Serialises invitations of one email to one company until the transaction ends. */
export async function lockInvitee(tx: TenantTx, companyId: string, email: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`invitation:${companyId}:${email}`}, 0))`;
}

/** Whether a member of the company has this email (other users are invisible here anyway). */
export async function isMemberEmail(tx: TenantTx, companyId: string, email: string): Promise<boolean> {
  return (await tx.membership.count({ where: { companyId, user: { email } } })) > 0;
}

/** Revokes the email's pending invitations (replaced by a new one) and returns their ids. */
export async function revokePendingInvitationsOf(tx: TenantTx, companyId: string, email: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE "Invitation" SET "revokedAt" = now()
    WHERE "companyId" = ${companyId}::uuid AND "email" = ${email} AND "acceptedAt" IS NULL AND "revokedAt" IS NULL
      AND "expiresAt" > now()
    RETURNING "id"::text AS "id"`;
  return rows.map((row) => row.id);
}

export interface NewInvitation {
  id: string;
  companyId: string;
  email: string;
  role: Role;
  tokenHash: string;
  invitedById: string | null;
  expiresAt: Date;
}

export function insertInvitation(tx: TenantTx, invitation: NewInvitation): Promise<InvitationRecord> {
  return tx.invitation.create({ data: invitation, select: invitationColumns });
}

/** One page of pending invitations, newest first (createdAt, id descending). */
export function listPendingInvitations(
  tx: TenantTx,
  companyId: string,
  page: { take: number; after: { createdAt: Date; id: string } | null },
): Promise<InvitationRecord[]> {
  const { after } = page;
  return tx.invitation.findMany({
    where: {
      companyId,
      ...pending(),
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.take,
    select: invitationColumns,
  });
}

/** Revokes the invitation if it is still pending; false when there is no such pending invitation. */
export async function revokePendingInvitation(tx: TenantTx, companyId: string, id: string): Promise<boolean> {
  const { count } = await tx.invitation.updateMany({ where: { id, companyId, ...pending() }, data: { revokedAt: new Date() } });
  return count === 1;
}

export function findInvitationByTokenHash(tx: TenantTx, tokenHash: string): Promise<InvitationRecord | null> {
  return tx.invitation.findUnique({ where: { tokenHash }, select: invitationColumns });
}

/**
 * Marks the invitation accepted if it still can be. The conditional UPDATE takes the row lock, so
 * of two concurrent acceptances exactly one sees count 1; the other waits, then sees 0.
 */
export async function claimInvitation(tx: TenantTx, id: string): Promise<boolean> {
  const { count } = await tx.invitation.updateMany({ where: { id, ...pending() }, data: { acceptedAt: new Date() } });
  return count === 1;
}

/** The company's name and the inviter's name (null for API keys), for the invitation email. */
export async function findInvitationSender(
  tx: TenantTx,
  companyId: string,
  inviterId: string | null,
): Promise<{ companyName: string; inviterName: string | null }> {
  const company = await tx.company.findUniqueOrThrow({ where: { id: companyId }, select: { name: true } });
  const inviter = inviterId ? await tx.user.findUnique({ where: { id: inviterId }, select: { name: true } }) : null;
  return { companyName: company.name, inviterName: inviter?.name ?? null };
}
