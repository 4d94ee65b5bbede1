// GET /.well-known/jwks.json: the public keys that verify access tokens. Public by design (it
// holds no secret) and outside the gateway-signature check, so verifiers can fetch it directly.
import type { Logger, SubgraphDefinition } from '@omni/core';
import type { SubgraphContext } from '../context.js';
import type { SigningKeys } from './signing-keys.js';

export const JWKS_PATH = '/.well-known/jwks.json';

type App = Parameters<NonNullable<SubgraphDefinition<SubgraphContext>['routes']>>[0];

export function mountJwksRoute(app: App, keys: SigningKeys, logger: Logger): void {
  app.get(JWKS_PATH, async (_req, res) => {
    try {
      const jwks = await keys.jwks();
      res.set('cache-control', 'public, max-age=60').json(jwks);
    } catch (error) {
      // Verifiers keep the keys they cached; a short, detail-free 503 lets them retry.
      logger.error({ err: error }, 'jwks unavailable');
      res.status(503).set('cache-control', 'no-store').json({ error: 'unavailable' });
    }
  });
}
