// Browser-facing HTTP hardening: security headers (helmet) and CORS restricted to configured
// origins. The API answers JSON only, so its CSP allows nothing; the one HTML page, Apollo's
// development landing page, brings its own nonce-based CSP in a <meta> tag and would be broken by
// a second, stricter header policy, so that page alone is served without helmet's CSP.
import type { Logger } from '@omni/core';
import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export function securityHeaders(options: { landingPage: boolean }): RequestHandler {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
  });
  const landing = helmet({ contentSecurityPolicy: false });
  return (req: Request, res: Response, next: NextFunction) =>
    (options.landingPage && isLandingPageRequest(req) ? landing : api)(req, res, next);
}

/** What Apollo serves the landing page for: a browser GET of /graphql asking for HTML. */
function isLandingPageRequest(req: Request): boolean {
  return req.method === 'GET' && req.path === '/graphql' && (req.headers.accept ?? '').includes('text/html');
}

/** Requests carry tokens in a header, not cookies, so credentials stay off. */
export function corsPolicy(origins: string[], logger: Logger): RequestHandler {
  const allowed = origins.filter((o) => o !== '*' && o !== 'null');
  if (allowed.length !== origins.length) logger.warn('CORS_ORIGINS: "*" and "null" are ignored; list origins explicitly');
  return cors({
    origin: allowed,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'traceparent'],
    exposedHeaders: ['x-request-id'],
    credentials: false,
    maxAge: 600,
  });
}
