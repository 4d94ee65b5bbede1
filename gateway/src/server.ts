// createGateway: the gateway's HTTP server (Express 5) around the GraphQL engine (apollo.ts).
// Request path: request id and trace -> security headers and CORS -> body limit ->
// credential check (token or API key) against the live principal state -> Apollo (CSRF check,
// limits, validation, planning) -> signed subgraph fetches. Nothing listens until `listen`.
import { createServer, type Server } from 'node:http';
import { expressMiddleware } from '@as-integrations/express5';
import {
  createLogger,
  createMetrics,
  createRedis,
  listen,
  mountOperationalRoutes,
  stopOnSignals,
  type Config,
  type Logger,
  type Redis,
} from '@omni/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createApolloServer } from './apollo.js';
import { createApiKeyLimiter } from './api-key-limiter.js';
import { createTokenVerifier, type TokenVerifier } from './auth.js';
import { authenticate } from './authenticate.js';
import { requestState, stateOf } from './context.js';
import { errorBody, httpErrorHandler } from './errors.js';
import { corsPolicy, securityHeaders } from './http-hardening.js';
import { mountJwksRoute } from './jwks-route.js';
import { createAuthInternalClient } from './principal/auth-internal-client.js';
import { PrincipalResolver } from './principal/resolver.js';
import { PrincipalStateCache } from './principal/state-cache.js';
import { readSupergraph, subgraphEndpoints, subgraphReadinessChecks } from './supergraph.js';

export interface GatewayDependencies {
  logger?: Logger;
  /** Injected connections stay open on stop(); the caller owns them. Should fail fast (see createRedis). */
  redis?: Redis;
  /** The composed supergraph; read from config.gateway.supergraphPath when absent. */
  supergraphSdl?: string;
  tokenVerifier?: TokenVerifier;
}

export interface Gateway {
  app: Express;
  httpServer: Server;
  /** Binds (config.gateway.port/host by default) and resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Fails readiness, drains in-flight requests (up to config.shutdownGraceMs), closes Redis. */
  stop(): Promise<void>;
  /** Stops gracefully on SIGTERM/SIGINT, then exits the process (0 on success). */
  stopOnSignals(): void;
}

export async function createGateway(config: Config, deps: GatewayDependencies = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger({ service: 'gateway', level: config.logLevel });
  // Fail fast: with Redis down, principal state comes from Auth at once instead of after a queue.
  const redis = deps.redis ?? createRedis(config.redis.url, 'gateway', logger, { failFast: true });
  const supergraphSdl = deps.supergraphSdl ?? readSupergraph(config.gateway.supergraphPath);
  const verifier =
    deps.tokenVerifier ??
    createTokenVerifier({
      jwksUrl: config.gateway.jwksUrl,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      maxTokenAgeSeconds: config.auth.accessTokenTtlSeconds,
    });
  const auth = createAuthInternalClient({
    baseUrl: authInternalUrl(config, supergraphSdl),
    secret: config.internalContext.secret,
    ttlSeconds: config.internalContext.ttlSeconds,
    timeoutMs: AUTH_INTERNAL_TIMEOUT_MS,
  });
  const principals = new PrincipalResolver(new PrincipalStateCache(redis, logger), auth);
  const apiKeyLimiter = createApiKeyLimiter(redis, config.gateway.apiKeyRateLimitPerMinute);
  const metrics = createMetrics('gateway');
  // The sandbox needs introspection, and production serves no IDE at all.
  const landingPage = config.gateway.introspection && !config.isProduction;

  const app = express();
  app.disable('x-powered-by');
  // Only then is X-Forwarded-For believed for the client address recorded with sessions.
  app.set('trust proxy', config.gateway.trustProxyHops);
  const httpServer = createServer(app);
  let shuttingDown = false;

  const apollo = createApolloServer({ config, supergraphSdl, httpServer, metrics, logger, landingPage });
  await apollo.start();

  app.use(requestState(logger), securityHeaders({ landingPage }), corsPolicy(config.gateway.corsOrigins, logger));
  mountOperationalRoutes(app, {
    metrics,
    logger,
    isShuttingDown: () => shuttingDown,
    checks: [
      { name: 'redis', check: async () => void (await redis.ping()) },
      ...subgraphReadinessChecks(subgraphEndpoints(supergraphSdl, config.gateway.subgraphUrls)),
    ],
  });
  mountJwksRoute(app, config.gateway.jwksUrl, logger);
  app.use(
    '/graphql',
    express.json({ limit: config.gateway.bodyLimit }),
    defineBody,
    authenticate({ verifier, principals, apiKeyLimiter }),
    expressMiddleware(apollo, { context: async ({ req }) => stateOf(req) }),
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('Not found', 'NOT_FOUND'));
  });
  app.use(httpErrorHandler(logger));

  const stop = async () => {
    shuttingDown = true;
    await apollo.stop();
    if (!deps.redis) await redis.quit().catch(() => redis.disconnect());
  };

  return {
    app,
    httpServer,
    listen: async (port = config.gateway.port, host = config.gateway.host) => {
      const bound = await listen(httpServer, port, host);
      logger.info({ host, port: bound }, 'gateway listening');
      return bound;
    },
    stop,
    stopOnSignals: () => stopOnSignals(stop, logger),
  };
}

/** A credential check waits at most this long for Auth; then the request gets a 503. */
const AUTH_INTERNAL_TIMEOUT_MS = 3_000;

/** AUTH_INTERNAL_URL, else the origin of the auth subgraph's routing URL; throws at startup without either. */
function authInternalUrl(config: Config, supergraphSdl: string): string {
  if (config.gateway.authInternalUrl) return config.gateway.authInternalUrl;
  const auth = subgraphEndpoints(supergraphSdl, config.gateway.subgraphUrls).find((s) => s.name === 'auth');
  if (!auth) throw new Error('no auth subgraph in the supergraph: set AUTH_INTERNAL_URL');
  return new URL(auth.url).origin;
}

/**
 * Express 5 leaves `req.body` unset when no parser matched (e.g. a `text/plain` POST), and the
 * Apollo integration answers that with a 500. Defining it lets Apollo's CSRF check answer 400.
 */
function defineBody(req: Request, _res: Response, next: NextFunction) {
  if (!Object.hasOwn(req, 'body')) req.body = undefined;
  next();
}
