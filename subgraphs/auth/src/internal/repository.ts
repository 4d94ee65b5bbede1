// The only Prisma access of the internal endpoints: what the gateway needs to know about a token's
// membership, session and company. Runs in a transaction scoped to the token's company.
import type { Role, TenantTx } from '@omni/core';

export function findMembershipState(tx: TenantTx, companyId: string, userId: string): Promise<{ role: Role; version: number } | null> {
  return tx.membership.findUnique({ where: { companyId_userId: { companyId, userId } }, select: { role: true, version: true } });
}

export function findSessionState(tx: TenantTx, sessionId: string): Promise<{ userId: string; revokedAt: Date | null; expiresAt: Date } | null> {
  return tx.session.findUnique({ where: { id: sessionId }, select: { userId: true, revokedAt: true, expiresAt: true } });
}

export async function findCompanyModules(tx: TenantTx, companyId: string): Promise<string[] | null> {
  const company = await tx.company.findUnique({ where: { id: companyId }, select: { modules: true } });
  return company?.modules ?? null;
}
