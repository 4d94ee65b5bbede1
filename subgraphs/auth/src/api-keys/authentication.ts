// Checks a presented API key for the gateway (see internal/): found by id and hash in its own
// company, not revoked, not expired, its service account not disabled. Also records the use
// (lastUsedAt, at most once a minute), since the gateway asks on first use and once a minute.
import { isPermission, type ApiKeyState, type TenantTx } from '@omni/core';
import { findKeyForAuthentication, touchApiKey } from './repository.js';

export interface PresentedApiKey {
  companyId: string;
  apiKeyId: string;
  /** Hex SHA-256 of the whole presented key. */
  keyHash: string;
}

export interface ApiKeyCheck {
  state: ApiKeyState;
  /** When an active key stops working on its own (caches must not outlive it); null: never. */
  expiresAt: Date | null;
}

const TOUCH_INTERVAL_MS = 60_000;
const INVALID: ApiKeyCheck = { state: { status: 'invalid' }, expiresAt: null };

/** `tx` must be scoped to the company the key names (row-level security finds it only there). */
export async function authenticateApiKey(tx: TenantTx, presented: PresentedApiKey, now = new Date()): Promise<ApiKeyCheck> {
  const key = await findKeyForAuthentication(tx, presented.apiKeyId, presented.keyHash);
  if (!key || key.companyId !== presented.companyId || key.revokedAt || key.serviceAccount.disabledAt) return INVALID;
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return INVALID;
  await touchApiKey(tx, key.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS));
  return {
    state: {
      status: 'active',
      apiKeyId: key.id,
      serviceAccountId: key.serviceAccountId,
      companyId: key.companyId,
      scopes: key.scopes.filter(isPermission),
    },
    expiresAt: key.expiresAt,
  };
}
