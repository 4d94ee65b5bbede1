// The only Prisma access for signing keys. SigningKey is a global table (keys are not a tenant's),
// so these run on the plain client, outside any tenant transaction.
import type { Prisma, PrismaClient } from '@omni/core';

export interface StoredPublicKey {
  kid: string;
  alg: string;
  publicJwk: Prisma.JsonValue;
}

export interface NewSigningKey {
  kid: string;
  alg: string;
  publicJwk: Prisma.InputJsonObject;
  privateJwk: Prisma.InputJsonObject;
}

/**
 * The key to sign with: the newest one not retired. Processes that each created a key at the same
 * moment all pick the same one here (ties broken by kid).
 */
export function findNewestActiveKey(prisma: PrismaClient): Promise<{ kid: string; alg: string; privateJwk: Prisma.JsonValue } | null> {
  return prisma.signingKey.findFirst({
    where: { retiredAt: null },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
    select: { kid: true, alg: true, privateJwk: true },
  });
}

/** Public halves of keys that still verify: not retired, or retired after `retiredAfter`. */
export function findVerificationKeys(prisma: PrismaClient, retiredAfter: Date): Promise<StoredPublicKey[]> {
  return prisma.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
    select: { kid: true, alg: true, publicJwk: true },
  });
}

export async function insertSigningKey(prisma: PrismaClient, key: NewSigningKey): Promise<void> {
  await prisma.signingKey.create({ data: key });
}
