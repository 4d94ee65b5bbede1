// The only Prisma access for service accounts and API keys. Every function runs inside a
// transaction scoped to one company, so row-level security hides other companies' rows: an id of
// another tenant is simply not found.
import type { Prisma, TenantTx } from '@omni/core';

const serviceAccountColumns = { id: true, companyId: true, name: true, createdAt: true, disabledAt: true } as const satisfies Prisma.ServiceAccountSelect;

/** Every key column except the hash, which only authentication reads. */
const apiKeyColumns = {
  id: true,
  companyId: true,
  serviceAccountId: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const satisfies Prisma.ApiKeySelect;

export type ServiceAccountRecord = Prisma.ServiceAccountGetPayload<{ select: typeof serviceAccountColumns }>;
export type ApiKeyRecord = Prisma.ApiKeyGetPayload<{ select: typeof apiKeyColumns }>;

/** Keys listed per service account; older ones stay in the database and keep their state. */
export const API_KEYS_PER_ACCOUNT = 100;

export function insertServiceAccount(tx: TenantTx, row: { id: string; companyId: string; name: string; createdById: string }): Promise<ServiceAccountRecord> {
  return tx.serviceAccount.create({ data: row, select: serviceAccountColumns });
}

/** One page in (createdAt, id) order, starting after the given position. */
export function listServiceAccounts(tx: TenantTx, take: number, after: { createdAt: Date; id: string } | null): Promise<ServiceAccountRecord[]> {
  return tx.serviceAccount.findMany({
    where: after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {},
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take,
    select: serviceAccountColumns,
  });
}

export function findServiceAccountsByIds(tx: TenantTx, ids: readonly string[]): Promise<ServiceAccountRecord[]> {
  return tx.serviceAccount.findMany({ where: { id: { in: [...ids] } }, select: serviceAccountColumns });
}

export function insertApiKey(
  tx: TenantTx,
  row: Pick<ApiKeyRecord, 'id' | 'companyId' | 'serviceAccountId' | 'name' | 'prefix' | 'scopes' | 'expiresAt'> & { keyHash: string; createdById: string },
): Promise<ApiKeyRecord> {
  return tx.apiKey.create({ data: row, select: apiKeyColumns });
}

/** Keys of the given service accounts, newest first. */
export function findApiKeysOfAccounts(tx: TenantTx, serviceAccountIds: readonly string[]): Promise<ApiKeyRecord[]> {
  return tx.apiKey.findMany({
    where: { serviceAccountId: { in: [...serviceAccountIds] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: apiKeyColumns,
  });
}

/** Locks the key's row (FOR UPDATE through the update) so concurrent revocations agree. */
export async function revokeApiKeyRow(tx: TenantTx, id: string, at: Date): Promise<{ key: ApiKeyRecord; keyHash: string; changed: boolean } | null> {
  const changed = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  const row = await tx.apiKey.findUnique({ where: { id }, select: { ...apiKeyColumns, keyHash: true } });
  if (!row) return null;
  const { keyHash, ...key } = row;
  return { key, keyHash, changed: changed.count === 1 };
}

/** What the gateway's check of a presented key needs: the key by id and hash, and its account. */
export function findKeyForAuthentication(tx: TenantTx, id: string, keyHash: string) {
  return tx.apiKey.findFirst({
    where: { id, keyHash },
    select: { id: true, companyId: true, serviceAccountId: true, scopes: true, expiresAt: true, revokedAt: true, serviceAccount: { select: { disabledAt: true } } },
  });
}

/** Sets lastUsedAt unless it was set after `since`: at most one write per key and minute. */
export async function touchApiKey(tx: TenantTx, id: string, now: Date, since: Date): Promise<void> {
  await tx.apiKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: since } }] }, data: { lastUsedAt: now } });
}
