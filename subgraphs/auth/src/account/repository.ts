// The only Prisma access for accounts. Every function runs inside a transaction the caller
// opened with a tenant scope, so row-level security decides what exists: a row of another
// company is simply not found.
import type { Company, Role, TenantTx } from '@omni/core';
import type { UserRecord } from '../mappers.js';

/** Every user column except the password hash, which only log-in reads (see session/repository). */
const userColumns = {
  id: true,
  email: true,
  name: true,
  defaultCompanyId: true,
  totpEnabledAt: true,
  passwordChangedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface NewAccount {
  company: { id: string; name: string };
  user: { id: string; email: string; name: string; passwordHash: string };
  role: Role;
}

/**
 * Writes company, user and membership. Must run in the new company's scope with the new user's
 * id, which row-level security checks on insert. A taken email raises a unique violation.
 */
export async function insertAccount(tx: TenantTx, account: NewAccount): Promise<{ company: Company; user: UserRecord }> {
  const company = await tx.company.create({ data: account.company });
  const user = await tx.user.create({ data: account.user, select: userColumns });
  await tx.membership.create({ data: { companyId: company.id, userId: user.id, role: account.role } });
  return { company, user };
}

export function findUsersByIds(tx: TenantTx, ids: readonly string[]): Promise<UserRecord[]> {
  return tx.user.findMany({ where: { id: { in: [...ids] } }, select: userColumns });
}

export function findCompaniesByIds(tx: TenantTx, ids: readonly string[]): Promise<Company[]> {
  return tx.company.findMany({ where: { id: { in: [...ids] } } });
}

/** Roles of the given users in the transaction's company. */
export function findRoles(tx: TenantTx, companyId: string, userIds: readonly string[]): Promise<Array<{ userId: string; role: Role }>> {
  return tx.membership.findMany({
    where: { companyId, userId: { in: [...userIds] } },
    select: { userId: true, role: true },
  });
}
