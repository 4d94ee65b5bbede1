// The only Prisma access for tenancy (the caller's companies, switching) and company modules.
import type { Company, Role, TenantTx } from '@omni/core';

export interface CompanyMembershipRow {
  companyId: string;
  companyName: string;
  role: Role;
  joinedAt: Date;
}

/**
 * Every company of the transaction's user (app.user_id). Membership rows are visible per company
 * only, so this goes through omni_my_companies(), a SECURITY DEFINER function that answers for
 * app.user_id and nobody else.
 */
export function findMyCompanies(tx: TenantTx): Promise<CompanyMembershipRow[]> {
  return tx.$queryRaw<CompanyMembershipRow[]>`
    SELECT company_id::text AS "companyId", company_name AS "companyName", role::text AS "role", joined_at AS "joinedAt"
    FROM omni_my_companies()`;
}

/**
 * The user's membership in the transaction's company, share-locked so that a concurrent removal
 * waits for this transaction and then also ends the session opened in it.
 */
export async function lockMembershipForSession(tx: TenantTx, companyId: string, userId: string): Promise<{ role: Role; version: number } | null> {
  const rows = await tx.$queryRaw<Array<{ role: Role; version: number }>>`
    SELECT "role"::text AS "role", "version" FROM "Membership"
    WHERE "companyId" = ${companyId}::uuid AND "userId" = ${userId}::uuid FOR SHARE`;
  return rows[0] ?? null;
}

/** The company logIn opens sessions for. Row-level security lets users change only themselves. */
export async function setDefaultCompany(tx: TenantTx, userId: string, companyId: string): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { defaultCompanyId: companyId } });
}

/** The company's modules, row-locked so concurrent toggles of different modules both survive. */
export async function lockModules(tx: TenantTx, companyId: string): Promise<string[] | null> {
  const rows = await tx.$queryRaw<Array<{ modules: string[] }>>`
    SELECT "modules" FROM "Company" WHERE "id" = ${companyId}::uuid FOR UPDATE`;
  return rows[0]?.modules ?? null;
}

export function updateModules(tx: TenantTx, companyId: string, modules: string[]): Promise<Company> {
  return tx.company.update({ where: { id: companyId }, data: { modules } });
}
