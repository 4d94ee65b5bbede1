// Access-token verification. The only way a principal comes into existence at the gateway: an
// EdDSA-signed `at+jwt` from the Auth subgraph, checked against its JWKS with the algorithm,
// issuer, audience, type and lifetime pinned (RFC 8725). No header means anonymous; a header that
// does not verify is refused with 401 and never downgraded to anonymous.
import { actingUserId, MODULES, principalSchema, type Principal } from '@omni/core';
import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { stateOf } from './context.js';
import { errorBody } from './errors.js';

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Upper bound on `now - iat`: no access token lives longer than Auth issues them. */
  maxTokenAgeSeconds: number;
}

export interface TokenVerifier {
  /** The token's principal; throws AuthenticationError. */
  verify(token: string): Promise<Principal>;
}

/**
 * `invalid`: the token is bad (401). `unavailable`: the keys could not be fetched, so the token's
 * validity is unknown (503) — answering 401 then would make clients throw away good tokens.
 */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: 'invalid' | 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(reason === 'invalid' ? 'invalid access token' : 'token keys unavailable', options);
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
      if (typeof payload['sid'] !== 'string' || typeof payload['jti'] !== 'string') {
        throw new AuthenticationError('invalid');
      }
      const principal = principalSchema.safeParse({
        kind: 'user',
        userId: payload['sub'],
        companyId: payload['cid'],
        role: payload['role'],
        sessionId: payload['sid'],
        modules: [...MODULES],
      });
      if (!principal.success) throw new AuthenticationError('invalid');
      return principal.data;
    },
  };
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

/** Express middleware: sets the request's principal or answers 401/503. */
export function authenticate(verifier: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = stateOf(req);
    try {
      const token = bearerToken(req.headers.authorization);
      if (token === null) return next();
      state.principal = await verifier.verify(token);
      state.logger = state.logger.child({ userId: actingUserId(state.principal), companyId: state.principal.companyId });
      next();
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      if (error.reason === 'unavailable') {
        state.logger.error({ err: error.cause }, 'cannot fetch the token keys');
        res.status(503).set('retry-after', '5').json(errorBody('Authentication is temporarily unavailable', 'INTERNAL'));
        return;
      }
      state.logger.info({ reason: (error.cause as Error | undefined)?.message }, 'rejected access token');
      res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').json(errorBody('Invalid or expired access token', 'UNAUTHENTICATED'));
    }
  };
}
