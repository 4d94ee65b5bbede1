// The only Prisma access for password resets. PasswordResetToken rows belong to one user
// (row-level security on app.user_id), so every function runs in a transaction whose user is the
// token's user: a token of anyone else is simply not found.
import type { TenantTx } from '@omni/core';

export async function insertResetToken(tx: TenantTx, token: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await tx.passwordResetToken.create({ data: token });
}

/** True when the token exists, is unused and has not expired at `now`. */
export async function isResetTokenUsable(tx: TenantTx, tokenHash: string, now: Date): Promise<boolean> {
  const token = await tx.passwordResetToken.findFirst({
    where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
    select: { tokenHash: true },
  });
  return token !== null;
}

/**
 * Marks the token used, only if it still is usable: of two concurrent resets with one token,
 * exactly one gets true. Its row lock also serialises them until the winner commits.
 */
export async function consumeResetToken(tx: TenantTx, tokenHash: string, now: Date): Promise<boolean> {
  const { count } = await tx.passwordResetToken.updateMany({
    where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1;
}

/** Ends every other outstanding reset link of the user (an older email must not work later). */
export async function invalidateResetTokens(tx: TenantTx, userId: string, now: Date): Promise<void> {
  await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
}

export function findResetAccount(tx: TenantTx, userId: string): Promise<{ email: string } | null> {
  return tx.user.findUnique({ where: { id: userId }, select: { email: true } });
}

export async function setPassword(tx: TenantTx, userId: string, passwordHash: string, now: Date): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } });
}

/**
 * Work shaped like issuing a token (a tenant transaction with a token lookup and two
 * statements), for unknown emails: it writes nothing.
 */
export async function decoyTokenWork(tx: TenantTx, tokenHash: string, now: Date): Promise<void> {
  await tx.passwordResetToken.findFirst({ where: { tokenHash, expiresAt: { gt: now } }, select: { tokenHash: true } });
  await tx.$queryRaw`SELECT pg_catalog.now()`;
}
