// The tokens a session hands out. Access tokens are JWTs (RFC 9068 `at+jwt`) signed with the
// active EdDSA key; verifiers pin the algorithm, issuer, audience and typ. Refresh tokens are
// opaque random strings; only their SHA-256 is stored, so a database leak yields no usable token.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Config, Role } from '@omni/core';
import { SIGNING_ALGORITHM, type SigningKeys } from '../keys/signing-keys.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenSubject {
  userId: string;
  companyId: string;
  role: Role;
  sessionId: string;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: Pick<Config['auth'], 'issuer' | 'audience' | 'accessTokenTtlSeconds'>,
  ) {}

  async issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
    const { kid, privateKey } = this.keys.current();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.settings.accessTokenTtlSeconds;
    const token = await new SignJWT({ cid: subject.companyId, role: subject.role, sid: subject.sessionId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(subject.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}

/** 32 random bytes; the caller gets the token, the database only the hash. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** Hex SHA-256 (64 characters). A fast hash is enough: the token has 256 bits of entropy. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
