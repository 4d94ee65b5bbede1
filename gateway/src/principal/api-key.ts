// API keys as the gateway sees them: the platform's scoped-token format (packages/core
// identity/scoped-token.ts), `omk_` + base64url(company id + key id + 32 random bytes). The
// gateway reads the company id (so one MGET fetches the key's state and its company's modules)
// and the key's SHA-256 (the state is stored under it, like the database row); it never stores
// the key.
import { parseScopedToken } from '@omni/core';

export const API_KEY_PREFIX = 'omk_';

export interface PresentedApiKey {
  companyId: string;
  apiKeyId: string;
  /** Hex SHA-256 of the whole key. */
  keyHash: string;
}

export function isApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}

/** The ids a well-formed key carries, and its hash; null for anything not in the exact format. */
export function parseApiKey(key: string): PresentedApiKey | null {
  const parsed = parseScopedToken(API_KEY_PREFIX, key, 2);
  if (!parsed) return null;
  const [companyId, apiKeyId] = parsed.scopeIds as [string, string];
  return { companyId, apiKeyId, keyHash: parsed.hash };
}
