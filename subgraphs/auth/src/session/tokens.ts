// The tokens a session hands out. Access tokens are JWTs (RFC 9068 `at+jwt`) signed with the
// current EdDSA key; verifiers pin the algorithm, issuer, audience and typ. Refresh tokens are
// opaque `omr_` scoped tokens (packages/core identity/scoped-token.ts): they carry the session's company id, so
// the token can be found under row-level security before the caller is known; only their SHA-256
// is stored, so a database leak yields no usable token.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type Config, createScopedToken, parseScopedToken, type Role, type ScopedToken } from '@omni/core';
import { SIGNING_ALGORITHM, type SigningKeys } from '../keys/signing-keys.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const REFRESH_TOKEN_PREFIX = 'omr_';

export interface AccessTokenSubject {
  userId: string;
  companyId: string;
  role: Role;
  sessionId: string;
  /** Membership.version when the token was issued: the gateway refuses tokens older than a role change. */
  membershipVersion: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export class AccessTokenIssuer {
  constructor(
    private readonly keys: Pick<SigningKeys, 'signer'>,
    private readonly settings: Pick<Config['auth'], 'issuer' | 'audience' | 'accessTokenTtlSeconds'>,
  ) {}

  async issue(subject: AccessTokenSubject): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.signer();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.settings.accessTokenTtlSeconds;
    const claims = { cid: subject.companyId, role: subject.role, sid: subject.sessionId, ver: subject.membershipVersion };
    const token = await new SignJWT(claims)
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

/** A new refresh token for a session of `companyId`: the caller gets the token, the database the hash. */
export function newRefreshToken(companyId: string): ScopedToken {
  return createScopedToken(REFRESH_TOKEN_PREFIX, [companyId]);
}

/** The company to look the token up in and the hash to look for; null when it is not a refresh token. */
export function readRefreshToken(token: string): { companyId: string; hash: string } | null {
  const parsed = parseScopedToken(REFRESH_TOKEN_PREFIX, token, 1);
  const companyId = parsed?.scopeIds[0];
  return parsed && companyId ? { companyId, hash: parsed.hash } : null;
}
