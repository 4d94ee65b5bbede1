// The only Prisma access for signing keys. SigningKey is a global table (keys are not a tenant's),
// so these run on the plain client, outside any tenant transaction. Private halves are stored
// sealed with the platform's data key ({ sealed: "v1.…" }); rows written before that are read as
// they are.
import type { Prisma, PrismaClient, SecretBox } from '@omni/core';

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

/** Keys that may still sign or verify: not retired, or retired after `retiredAfter`; private halves opened. */
export async function findLiveKeys(prisma: PrismaClient, box: SecretBox, retiredAfter: Date): Promise<StoredKey[]> {
  const rows = await prisma.signingKey.findMany({
    where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
  });
  return rows.map((row) => ({ ...row, privateJwk: openPrivateJwk(box, row.privateJwk) }));
}

/** The private JWK of a stored row: sealed rows are opened, rows from before sealing read as they are. */
export function openPrivateJwk(box: SecretBox, stored: Prisma.JsonValue): Prisma.JsonValue {
  const sealed = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored['sealed'] : undefined;
  return typeof sealed === 'string' ? (JSON.parse(box.decrypt(sealed)) as Prisma.JsonValue) : stored;
}

/** Every key ever created, without private halves (the key command's listing). */
export function findAllKeys(prisma: PrismaClient): Promise<Array<{ kid: string; alg: string; createdAt: Date; retiredAt: Date | null }>> {
  return prisma.signingKey.findMany({
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
    select: { kid: true, alg: true, createdAt: true, retiredAt: true },
  });
}

export async function insertSigningKey(prisma: PrismaClient, box: SecretBox, key: NewSigningKey): Promise<{ kid: string; createdAt: Date }> {
  const data = { ...key, privateJwk: { sealed: box.encrypt(JSON.stringify(key.privateJwk)) } };
  return prisma.signingKey.create({ data, select: { kid: true, createdAt: true } });
}

/**
 * Retires the given keys that are still active; returns how many it retired. Idempotent, so
 * replicas retiring the same keys at once do not conflict.
 */
export async function retireKeys(prisma: PrismaClient, kids: readonly string[]): Promise<number> {
  const { count } = await prisma.signingKey.updateMany({ where: { kid: { in: [...kids] }, retiredAt: null }, data: { retiredAt: new Date() } });
  return count;
}
