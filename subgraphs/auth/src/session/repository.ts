// The only Prisma access for sessions and log-in.
import type { PrismaClient, Role, TenantTx } from '@omni/core';

/** One membership of the account behind an email, with what log-in needs to check it. */
export interface LoginCandidate {
  userId: string;
  passwordHash: string;
  /** Null when the account belongs to no company. */
  companyId: string | null;
  role: Role | null;
}

/**
 * Looks an email up before any tenant is known. Row-level security would hide every user here,
 * so this goes through omni_login_lookup, a SECURITY DEFINER function that returns only what
 * log-in needs. Outside any tenant transaction on purpose.
 */
export async function findLoginCandidates(prisma: PrismaClient, email: string): Promise<LoginCandidate[]> {
  const rows = await prisma.$queryRaw<Array<{ user_id: string; password_hash: string; company_id: string | null; role: Role | null }>>`
    SELECT user_id, password_hash, company_id, role FROM omni_login_lookup(${email})`;
  return rows.map((row) => ({
    userId: row.user_id,
    passwordHash: row.password_hash,
    companyId: row.company_id,
    role: row.role,
  }));
}

export interface NewSession {
  id: string;
  companyId: string;
  userId: string;
  refreshTokenHash: string;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
}

/**
 * Writes the session and its first refresh token. Runs in the session's company scope
 * (row-level security checks companyId on insert).
 */
export async function insertSession(tx: TenantTx, session: NewSession): Promise<void> {
  const { refreshTokenHash, ...row } = session;
  await tx.session.create({
    data: { ...row, refreshTokens: { create: { tokenHash: refreshTokenHash, companyId: row.companyId } } },
  });
}
