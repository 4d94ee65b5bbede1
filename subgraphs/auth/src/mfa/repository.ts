// The only Prisma access for the second factor. Every function runs in a transaction whose
// app.user_id is the user concerned: User updates and RecoveryCode rows are visible to that user
// only (row-level security).
import { randomUUID } from 'node:crypto';
import type { TenantTx } from '@omni/core';

/** The user's second-factor columns (the secret still sealed) and what re-authentication needs. */
export interface SecondFactorState {
  id: string;
  email: string;
  passwordHash: string;
  totpSecret: string | null;
  totpEnabledAt: Date | null;
  totpLastStep: bigint | null;
}

export function findSecondFactorState(tx: TenantTx, userId: string): Promise<SecondFactorState | null> {
  return tx.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, passwordHash: true, totpSecret: true, totpEnabledAt: true, totpLastStep: true },
  });
}

/** Stores a new pending secret unless TOTP is already on; false when it was. */
export async function savePendingSecret(tx: TenantTx, userId: string, sealedSecret: string): Promise<boolean> {
  const { count } = await tx.user.updateMany({
    where: { id: userId, totpEnabledAt: null },
    data: { totpSecret: sealedSecret, totpLastStep: null },
  });
  return count === 1;
}

/** Turns the pending secret on, remembering the step of the confirming code; false if not pending. */
export async function enableTotp(tx: TenantTx, userId: string, sealedSecret: string, step: bigint): Promise<boolean> {
  const { count } = await tx.user.updateMany({
    where: { id: userId, totpEnabledAt: null, totpSecret: sealedSecret },
    data: { totpEnabledAt: new Date(), totpLastStep: step },
  });
  return count === 1;
}

/**
 * Records `step` as used, only if it is later than the last used one. One conditional UPDATE, so
 * of two concurrent uses of the same code exactly one gets `true` (the other re-reads the row
 * after the first commits and no longer matches).
 */
export async function advanceTotpStep(tx: TenantTx, userId: string, step: bigint): Promise<boolean> {
  const { count } = await tx.user.updateMany({
    where: { id: userId, totpEnabledAt: { not: null }, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return count === 1;
}

/** Turns TOTP off and forgets the secret, its last step and every recovery code. */
export async function disableTotp(tx: TenantTx, userId: string): Promise<boolean> {
  const { count } = await tx.user.updateMany({
    where: { id: userId, totpEnabledAt: { not: null } },
    data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
  });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  return count === 1;
}

/** Replaces all of the user's recovery codes with these (hashes). */
export async function replaceRecoveryCodes(tx: TenantTx, userId: string, codeHashes: string[]): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ id: randomUUID(), userId, codeHash })) });
}

/** Marks an unused recovery code used; false when there is none (wrong, or used already). */
export async function useRecoveryCode(tx: TenantTx, userId: string, codeHash: string): Promise<boolean> {
  const { count } = await tx.recoveryCode.updateMany({
    where: { userId, codeHash, usedAt: null },
    data: { usedAt: new Date() },
  });
  return count === 1;
}

export function countUnusedRecoveryCodes(tx: TenantTx, userId: string): Promise<number> {
  return tx.recoveryCode.count({ where: { userId, usedAt: null } });
}
