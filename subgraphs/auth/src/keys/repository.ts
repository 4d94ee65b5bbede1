// The only Prisma access for signing keys. SigningKey is a global table (keys are not a tenant's),
// so these run on the plain client, outside any tenant transaction.
import type { Prisma, PrismaClient } from '@omni/core';

export interface StoredKey {
  kid: string;
  alg: string;
  publicJwk: Prisma.JsonValue;
  privateJwk: Prisma.JsonValue;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface NewSigningKey {
  kid: string;
  alg: string;
  publicJwk: Prisma.InputJsonObject;
  privateJwk: Prisma.InputJsonObject;
}

/** Keys that may still sign or verify: not retired, or retired after `retiredAfter`. */
export function findLiveKeys(prisma: PrismaClient, retiredAfter: Date): Promise<StoredKey[]> {
  return prisma.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
  });
}

/** Every key ever created, without private halves (the key command's listing). */
export function findAllKeys(prisma: PrismaClient): Promise<Array<{ kid: string; alg: string; createdAt: Date; retiredAt: Date | null }>> {
  return prisma.signingKey.findMany({
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
    select: { kid: true, alg: true, createdAt: true, retiredAt: true },
  });
}

export async function insertSigningKey(prisma: PrismaClient, key: NewSigningKey): Promise<{ kid: string; createdAt: Date }> {
  return prisma.signingKey.create({ data: key, select: { kid: true, createdAt: true } });
}

/**
 * Retires the given keys that are still active; returns how many it retired. Idempotent, so
 * replicas retiring the same keys at once do not conflict.
 */
export async function retireKeys(prisma: PrismaClient, kids: readonly string[]): Promise<number> {
  const { count } = await prisma.signingKey.updateMany({ where: { kid: { in: [...kids] }, retiredAt: null }, data: { retiredAt: new Date() } });
  return count;
}
