// The only Prisma access for members. Every function runs inside the caller's tenant
// transaction, so row-level security limits it to the caller's company.
import type { Role, TenantTx } from '@omni/core';

export interface MemberRecord {
  userId: string;
  role: Role;
  version: number;
  createdAt: Date;
}

const memberColumns = { userId: true, role: true, version: true, createdAt: true } as const;

/** One page, oldest membership first (createdAt, userId); `take` is one more than the page. */
export function listMembers(
  tx: TenantTx,
  companyId: string,
  page: { take: number; after: { createdAt: Date; userId: string } | null },
): Promise<MemberRecord[]> {
  const { after } = page;
  return tx.membership.findMany({
    where: {
      companyId,
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, userId: { gt: after.userId } }] } : {}),
    },
    orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    take: page.take,
    select: memberColumns,
  });
}

/**
 * Locks the company's OWNER memberships (in a fixed order, so concurrent callers cannot deadlock)
 * and returns their user ids. Concurrent changes that could remove an owner all take these locks
 * first, so the count each of them sees stays true until it commits.
 */
export async function lockOwners(tx: TenantTx, companyId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ userId: string }>>`
    SELECT "userId"::text AS "userId" FROM "Membership"
    WHERE "companyId" = ${companyId}::uuid AND "role" = 'OWNER'
    ORDER BY "userId" FOR UPDATE`;
  return rows.map((row) => row.userId);
}

/** The membership, locked until the transaction ends; null when there is none. */
export async function lockMembership(tx: TenantTx, companyId: string, userId: string): Promise<MemberRecord | null> {
  const rows = await tx.$queryRaw<MemberRecord[]>`
    SELECT "userId"::text AS "userId", "role"::text AS "role", "version", "createdAt" FROM "Membership"
    WHERE "companyId" = ${companyId}::uuid AND "userId" = ${userId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** Sets the role and bumps the version, so tokens carrying the old version can be refused. */
export function updateRole(tx: TenantTx, companyId: string, userId: string, role: Role): Promise<MemberRecord> {
  return tx.membership.update({
    where: { companyId_userId: { companyId, userId } },
    data: { role, version: { increment: 1 } },
    select: memberColumns,
  });
}

export async function deleteMembership(tx: TenantTx, companyId: string, userId: string): Promise<void> {
  await tx.membership.delete({ where: { companyId_userId: { companyId, userId } } });
}

/** Ends the user's open sessions in the company and returns their ids (for the live state). */
export async function revokeSessions(tx: TenantTx, companyId: string, userId: string, reason: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE "Session" SET "revokedAt" = now(), "revokedReason" = ${reason}
    WHERE "companyId" = ${companyId}::uuid AND "userId" = ${userId}::uuid AND "revokedAt" IS NULL
    RETURNING "id"::text AS "id"`;
  return rows.map((row) => row.id);
}
