// Express middleware: the request's principal from its credential, or a refusal. Credentials:
// `Authorization: Bearer <access token>`, `Authorization: Bearer omk_…` or `x-api-key: omk_…`.
// No credential means anonymous; a credential that does not check out is refused (401) and never
// downgraded to anonymous; one that cannot be checked right now is a 503; an API key over its
// rate limit is a 429 with retry-after.
import type { Logger } from '@omni/core';
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyLimiter } from './api-key-limiter.js';
import { ApiKeyRateLimitedError } from './api-key-limiter.js';
import { AuthenticationError, bearerToken, type TokenVerifier } from './auth.js';
import { stateOf } from './context.js';
import { errorBody } from './errors.js';
import { isApiKey, parseApiKey } from './principal/api-key.js';
import type { PrincipalResolver } from './principal/resolver.js';

export interface AuthenticationDeps {
  verifier: TokenVerifier;
  principals: PrincipalResolver;
  apiKeyLimiter: ApiKeyLimiter;
}

type Credential = { kind: 'token'; token: string } | { kind: 'apiKey'; key: string };

/** The request's credential; null when it has none. Two credentials at once are refused. */
export function credentialOf(headers: Request['headers']): Credential | null {
  const bearer = bearerToken(headers.authorization);
  const apiKeyHeader = headers['x-api-key'];
  if (apiKeyHeader !== undefined) {
    if (bearer !== null || typeof apiKeyHeader !== 'string' || !isApiKey(apiKeyHeader.trim())) throw new AuthenticationError('invalid');
    return { kind: 'apiKey', key: apiKeyHeader.trim() };
  }
  if (bearer === null) return null;
  return isApiKey(bearer) ? { kind: 'apiKey', key: bearer } : { kind: 'token', token: bearer };
}

export function authenticate(deps: AuthenticationDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = stateOf(req);
    try {
      const credential = credentialOf(req.headers);
      if (credential === null) return next();
      if (credential.kind === 'token') {
        state.principal = await deps.principals.forToken(await deps.verifier.verify(credential.token));
        state.logger = state.logger.child({ userId: state.principal.userId, companyId: state.principal.companyId });
      } else {
        const presented = parseApiKey(credential.key);
        if (!presented) throw new AuthenticationError('invalid');
        const { principal, askedAuth } = await deps.principals.forApiKey(presented);
        const { firstInWindow } = await deps.apiKeyLimiter.consume(principal.apiKeyId);
        // Auth records lastUsedAt when asked; a key served from cache is reported once a window.
        if (firstInWindow && !askedAuth) void deps.principals.recordUse(presented).catch((error: unknown) => logUseNotRecorded(state.logger, error));
        state.principal = principal;
        state.logger = state.logger.child({ apiKeyId: principal.apiKeyId, companyId: principal.companyId });
      }
      next();
    } catch (error) {
      refuse(error, state.logger, res, next);
    }
  };
}

function refuse(error: unknown, logger: Logger, res: Response, next: NextFunction): void {
  if (error instanceof ApiKeyRateLimitedError) {
    const body = { errors: [{ message: 'Too many requests for this API key', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: error.retryAfterSeconds } }] };
    res.status(429).set('retry-after', String(error.retryAfterSeconds)).json(body);
    return;
  }
  if (!(error instanceof AuthenticationError)) return next(error);
  if (error.reason === 'unavailable') {
    logger.error({ err: error.cause }, 'cannot check the credential (token keys or principal state unavailable)');
    res.status(503).set('retry-after', '5').json(errorBody('Authentication is temporarily unavailable', 'INTERNAL'));
    return;
  }
  logger.info({ reason: (error.cause as Error | undefined)?.message }, 'rejected credential');
  res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').json(errorBody('Invalid, expired or revoked credentials', 'UNAUTHENTICATED'));
}

function logUseNotRecorded(logger: Logger, error: unknown): void {
  logger.warn({ err: error }, 'could not record the API key use');
}
