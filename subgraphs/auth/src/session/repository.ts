// The only Prisma access for sessions and log-in. Everything except the log-in lookup runs inside
// a transaction scoped to the session's company, so row-level security hides other tenants'
// sessions and tokens: an id from another company is simply not found.
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

/** Writes the session and its first (current) refresh token. */
export async function insertSession(tx: TenantTx, session: NewSession): Promise<void> {
  const { refreshTokenHash, ...row } = session;
  await tx.session.create({
    data: { ...row, refreshTokens: { create: { tokenHash: refreshTokenHash, companyId: row.companyId } } },
  });
}

/** Role and version of a user's membership in the transaction's company; null when not a member. */
export function findMembership(tx: TenantTx, companyId: string, userId: string): Promise<{ role: Role; version: number } | null> {
  return tx.membership.findUnique({ where: { companyId_userId: { companyId, userId } }, select: { role: true, version: true } });
}

/**
 * Marks the token rotated only if it is still the current one; true when this call did so.
 * Concurrent callers serialize on the row lock and the database re-checks `rotatedAt IS NULL`
 * after the first commits, so exactly one of them wins.
 */
export async function rotateRefreshToken(tx: TenantTx, tokenHash: string): Promise<boolean> {
  const { count } = await tx.refreshToken.updateMany({ where: { tokenHash, rotatedAt: null }, data: { rotatedAt: new Date() } });
  return count === 1;
}

export function findRefreshToken(tx: TenantTx, tokenHash: string): Promise<{ sessionId: string; rotatedAt: Date | null } | null> {
  return tx.refreshToken.findUnique({ where: { tokenHash }, select: { sessionId: true, rotatedAt: true } });
}

export async function insertRefreshToken(tx: TenantTx, token: { tokenHash: string; companyId: string; sessionId: string }): Promise<void> {
  await tx.refreshToken.create({ data: token });
}

/**
 * Bumps lastUsedAt of a session that is neither revoked nor expired and returns its user; null
 * otherwise. The update locks the row, so a revocation committing meanwhile is seen.
 */
export async function touchLiveSession(tx: TenantTx, sessionId: string, now: Date): Promise<{ userId: string } | null> {
  const [session] = await tx.session.updateManyAndReturn({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: now } },
    data: { lastUsedAt: now },
    select: { userId: true },
  });
  return session ?? null;
}

export interface SessionRow {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** A user's sessions in the transaction's company that still work, newest first. */
export function findLiveSessions(tx: TenantTx, userId: string, now: Date): Promise<SessionRow[]> {
  return tx.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
}

export interface SessionSelection {
  /** Only this user's sessions. */
  userId?: string;
  /** Only this session. */
  id?: string;
  /** Every session but this one. */
  exceptId?: string;
}

/** Revokes the user's matching sessions that are still active; returns the ids it revoked. */
export async function revokeSessions(tx: TenantTx, selection: SessionSelection, reason: string): Promise<string[]> {
  // Never "every session of the company" by accident.
  if (selection.userId === undefined && selection.id === undefined) throw new Error('revokeSessions: select a user or a session');
  const idFilter = selection.id !== undefined ? { id: selection.id } : selection.exceptId !== undefined ? { id: { not: selection.exceptId } } : {};
  const revoked = await tx.session.updateManyAndReturn({
    where: { ...(selection.userId !== undefined ? { userId: selection.userId } : {}), revokedAt: null, ...idFilter },
    data: { revokedAt: new Date(), revokedReason: reason },
    select: { id: true },
  });
  return revoked.map((s) => s.id);
}

/** Companies the transaction's user (app.user_id) belongs to, through omni_my_companies(). */
export async function findMyCompanyIds(tx: TenantTx): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ company_id: string }>>`SELECT company_id FROM omni_my_companies()`;
  return rows.map((r) => r.company_id);
}

/** The user's email, password hash and whether TOTP is on (read for the user itself only). */
export function findPasswordAccount(tx: TenantTx, userId: string): Promise<{ email: string; passwordHash: string; totpEnabledAt: Date | null } | null> {
  return tx.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true, totpEnabledAt: true } });
}

/**
 * Replaces the password hash only if it is still `currentHash` (a concurrent change wins once);
 * true when it did.
 */
export async function replacePasswordHash(tx: TenantTx, userId: string, currentHash: string, newHash: string): Promise<boolean> {
  const { count } = await tx.user.updateMany({
    where: { id: userId, passwordHash: currentHash },
    data: { passwordHash: newHash, passwordChangedAt: new Date() },
  });
  return count === 1;
}
