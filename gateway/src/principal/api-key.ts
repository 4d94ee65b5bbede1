// API keys as the gateway sees them. The format is Auth's scoped-token contract:
// `omk_` + base64url(company id bytes + key id bytes + 32 random bytes). The gateway reads the
// company id (so one MGET fetches the key's state and its company's modules) and hashes the whole
// key (the state is stored under the SHA-256, like the database row); it never stores the key.
import { createHash } from 'node:crypto';

export const API_KEY_PREFIX = 'omk_';
const UUID_BYTES = 16;
const KEY_BYTES = 2 * UUID_BYTES + 32;
const ENCODED_LENGTH = Math.ceil((KEY_BYTES * 4) / 3);

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
  if (!isApiKey(key)) return null;
  const body = key.slice(API_KEY_PREFIX.length);
  if (body.length !== ENCODED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const raw = Buffer.from(body, 'base64url');
  // Canonical encoding only, so one key has exactly one spelling (and one hash).
  if (raw.length !== KEY_BYTES || raw.toString('base64url') !== body) return null;
  return {
    companyId: uuidOf(raw.subarray(0, UUID_BYTES)),
    apiKeyId: uuidOf(raw.subarray(UUID_BYTES, 2 * UUID_BYTES)),
    keyHash: createHash('sha256').update(key).digest('hex'),
  };
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
