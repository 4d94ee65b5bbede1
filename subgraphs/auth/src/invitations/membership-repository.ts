// The only Prisma access for joining a company through an invitation: the new account (if any)
// and the membership. Runs in the inviting company's tenant transaction, acting as the joining
// user (row-level security lets a user be created only by a transaction acting as that user).
import type { PrismaClient, Role, TenantTx } from '@omni/core';

/**
 * Whether any account has this email. Row-level security hides users of other companies, so
 * this asks omni_login_lookup, the narrow SECURITY DEFINER lookup log-in uses; only the
 * existence is read.
 */
export async function isEmailRegistered(prisma: PrismaClient | TenantTx, email: string): Promise<boolean> {
  const rows = await prisma.$queryRaw<Array<{ registered: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM omni_login_lookup(${email})) AS "registered"`;
  return rows[0]?.registered === true;
}

export interface NewMemberAccount {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  defaultCompanyId: string;
}

/** Creates the account; a taken email raises a unique violation (User_email_key). */
export async function insertUser(tx: TenantTx, account: NewMemberAccount): Promise<void> {
  await tx.user.create({ data: account, select: { id: true } });
}

export async function isMember(tx: TenantTx, companyId: string, userId: string): Promise<boolean> {
  return (await tx.membership.count({ where: { companyId, userId } })) > 0;
}

export async function insertMembership(tx: TenantTx, membership: { companyId: string; userId: string; role: Role }): Promise<void> {
  await tx.membership.create({ data: membership });
}
