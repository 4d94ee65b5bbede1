// Access-token verification: an EdDSA-signed `at+jwt` from the Auth subgraph, checked against its
// JWKS with the algorithm, issuer, audience, type and lifetime pinned (RFC 8725). A verified token
// says who the caller was when it was issued; principal/resolver.ts then checks what is true now
// (membership, role, session, modules) before a principal exists.
import { ROLES, type Role } from '@omni/core';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Upper bound on `now - iat`: no access token lives longer than Auth issues them. */
  maxTokenAgeSeconds: number;
}

/** The claims of a verified access token that identify its membership and session. */
export interface VerifiedToken {
  userId: string;
  companyId: string;
  /** The role when the token was issued; the live state's role wins. */
  role: Role;
  sessionId: string;
  /** The membership version when the token was issued (`ver`); null for tokens without it. */
  version: number | null;
}

export interface TokenVerifier {
  /** The token's claims; throws AuthenticationError. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * `invalid`: the credential is bad, revoked or no longer backed by a membership (401).
 * `unavailable`: its validity is unknown because the keys or the live state could not be read
 * (503) — answering 401 then would make clients throw away good credentials.
 */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: 'invalid' | 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(reason === 'invalid' ? 'invalid credential' : 'credential check unavailable', options);
    this.name = 'AuthenticationError';
  }
}

const ALGORITHMS = ['EdDSA'];
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'cid', 'role', 'sid', 'iat', 'exp', 'jti'];
/** Tolerated clock difference between the Auth service and the gateway (exp, nbf, iat age). */
const CLOCK_TOLERANCE_SECONDS = 5;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = classifyKeyErrors(createRemoteJWKSet(new URL(options.jwksUrl)));
  return {
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: ALGORITHMS,
          issuer: options.issuer,
          audience: options.audience,
          typ: 'at+jwt',
          requiredClaims: REQUIRED_CLAIMS,
          maxTokenAge: options.maxTokenAgeSeconds,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        throw new AuthenticationError('invalid', { cause: error });
      }
      const verified = claimsOf(payload);
      if (!verified) throw new AuthenticationError('invalid');
      return verified;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Null unless every identifying claim has its contract's shape. */
function claimsOf(payload: Record<string, unknown>): VerifiedToken | null {
  const { sub, cid, sid, role, jti, ver } = payload;
  if (!isUuid(sub) || !isUuid(cid) || !isUuid(sid) || typeof jti !== 'string') return null;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  if (ver !== undefined && !(typeof ver === 'number' && Number.isInteger(ver))) return null;
  return { userId: sub, companyId: cid, sessionId: sid, role: role as Role, version: typeof ver === 'number' ? ver : null };
}

/**
 * A key the JWKS does not have (unknown or ambiguous `kid`) is the token's fault; any other
 * failure to get keys (network, timeout, bad JWKS document) is ours.
 */
function classifyKeyErrors(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new AuthenticationError('unavailable', { cause: error });
    }
  };
}

/** The token of an `Authorization: Bearer <token>` header; null without the header. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  // A present header that is not a well-formed bearer token is an invalid credential.
  if (!match?.[1]) throw new AuthenticationError('invalid');
  return match[1];
}
