// GET /.well-known/jwks.json: the Auth subgraph's public keys, served by the gateway so clients
// and partners only ever talk to the gateway. Cached for a minute (one upstream fetch at a time,
// however many callers), 503 when Auth cannot be reached and nothing fresh is cached.
import type { Logger } from '@omni/core';
import type { Express } from 'express';
import { errorBody } from './errors.js';

const CACHE_MS = 60_000;
/** Members of a JWK that are secret (private EC/OKP/RSA parts, symmetric keys): never served. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

type Jwk = Record<string, unknown>;

export function createJwksCache(jwksUrl: string, now: () => number = Date.now) {
  let cached: { keys: Jwk[]; fetchedAt: number } | undefined;
  let pending: Promise<Jwk[]> | undefined;

  const fetchKeys = async (): Promise<Jwk[]> => {
    const response = await fetch(jwksUrl, { redirect: 'error', signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`JWKS answered HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('JWKS document has no keys array');
    // Defence in depth: drop any key that carries private material rather than republish it.
    const keys = body.keys.filter((k): k is Jwk => typeof k === 'object' && k !== null && !PRIVATE_MEMBERS.some((m) => m in k));
    cached = { keys, fetchedAt: now() };
    return keys;
  };

  return {
    async keys(): Promise<Jwk[]> {
      if (cached && now() - cached.fetchedAt < CACHE_MS) return cached.keys;
      pending ??= fetchKeys().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}

export function mountJwksRoute(app: Express, jwksUrl: string, logger: Logger): void {
  const cache = createJwksCache(jwksUrl);
  app.get('/.well-known/jwks.json', async (_req, res) => {
    try {
      const keys = await cache.keys();
      res.set('cache-control', `public, max-age=${CACHE_MS / 1000}`).type('application/jwk-set+json').send(JSON.stringify({ keys }));
    } catch (error) {
      logger.warn({ err: error }, 'JWKS unavailable');
      res.status(503).set('cache-control', 'no-store').json(errorBody('Keys temporarily unavailable', 'INTERNAL'));
    }
  });
}
