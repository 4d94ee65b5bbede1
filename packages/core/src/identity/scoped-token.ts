// Opaque bearer secrets that carry the id scoping their lookup. Row-level security hides every
// tenant row until the tenant (or user) is known, so a token presented by an anonymous caller must
// say which scope to search (the gateway reads API keys the same way): prefix + base64url(scope uuid bytes… + 32 random bytes). Only the
// SHA-256 hex of the whole token is stored, so a database leak yields no usable token.
import { createHash, randomBytes } from 'node:crypto';

/** The prefixes Auth hands out; the prefix says what a leaked secret is. */
export type ScopedTokenPrefix = 'omr_' | 'omp_' | 'omi_' | 'omk_';

const UUID_BYTES = 16;
const SECRET_BYTES = 32;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScopedToken {
  token: string;
  /** Hex SHA-256 of the whole token: the only form that is stored. */
  hash: string;
}

export interface ParsedScopedToken {
  /** The embedded ids (lower-case uuids), in the order they were given to createScopedToken. */
  scopeIds: string[];
  hash: string;
}

/** Hex SHA-256 (64 characters). A fast hash is enough: the token has 256 bits of entropy. */
export function hashScopedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createScopedToken(prefix: ScopedTokenPrefix, scopeIds: string[]): ScopedToken {
  const parts = scopeIds.map(uuidToBytes);
  const token = prefix + Buffer.concat([...parts, randomBytes(SECRET_BYTES)]).toString('base64url');
  return { token, hash: hashScopedToken(token) };
}

/**
 * Reads the scope ids back out of a presented token; null for anything not in the exact format
 * (wrong prefix, length or encoding). Says nothing about whether the token exists.
 */
export function parseScopedToken(prefix: ScopedTokenPrefix, token: string, idCount: number): ParsedScopedToken | null {
  if (typeof token !== 'string' || !token.startsWith(prefix)) return null;
  const body = token.slice(prefix.length);
  const bytes = idCount * UUID_BYTES + SECRET_BYTES;
  // Exact encoded length and alphabet first, so Buffer.from's lenient decoding cannot accept junk.
  if (body.length !== Math.ceil((bytes * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const raw = Buffer.from(body, 'base64url');
  if (raw.length !== bytes || raw.toString('base64url') !== body) return null;
  const scopeIds: string[] = [];
  for (let i = 0; i < idCount; i += 1) scopeIds.push(bytesToUuid(raw.subarray(i * UUID_BYTES, (i + 1) * UUID_BYTES)));
  return { scopeIds, hash: hashScopedToken(token) };
}

function uuidToBytes(id: string): Buffer {
  if (!UUID_PATTERN.test(id)) throw new Error('scope id must be a uuid');
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
