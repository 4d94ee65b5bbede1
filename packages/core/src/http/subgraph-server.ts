// createSubgraphServer: everything a module needs to serve its subgraph, so a module supplies
// only its schema, resolvers, permissions and context. Apollo Server 5 on Express 5, behind a
// check that refuses (HTTP 401) any request not signed by the gateway, `_service` and
// `_entities` included.
import { createServer, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { DocumentNode } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { Config } from '../config/config.js';
import { createRequestContext, type RequestContext } from '../context/context.js';
import type { Database } from '../db/index.js';
import {
  INTERNAL_CONTEXT_HEADER,
  InvalidInternalContextError,
  verifyInternalContext,
  type InternalContext,
} from '../identity/internal-context.js';
import type { Logger } from '../logger/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { createPermissions, type RuleTree } from '../permissions/rules.js';
import type { Redis } from '../redis/redis.js';
import { listen, maskError, mountOperationalRoutes, observabilityPlugin, stopOnSignals } from './operations.js';

export interface SubgraphDefinition<TContext extends RequestContext> {
  /** The name in supergraph.yaml; also the audience of the gateway's signed context. */
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  permissions: RuleTree;
  /** Adds the module's own members (services) to the platform's request context. */
  extendContext: (base: RequestContext) => TContext;
  /** Extra HTTP routes outside GraphQL (mounted before the signature check). */
  routes?: (app: Express) => void;
}

export interface SubgraphDependencies {
  config: Config;
  logger: Logger;
  database: Database;
  redis: Redis;
}

export interface RunningService {
  app: Express;
  httpServer: Server;
  /** Binds to `host` (loopback by default) and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Drains in-flight requests, then closes database and Redis connections. */
  stop(): Promise<void>;
  /** Stops gracefully on SIGTERM/SIGINT and exits the process. */
  stopOnSignals(): void;
}

/** The verified internal context of each request, set by requireGatewaySignature. */
const verifiedContexts = new WeakMap<Request, InternalContext>();

export async function createSubgraphServer<TContext extends RequestContext>(
  definition: SubgraphDefinition<TContext>,
  deps: SubgraphDependencies,
): Promise<RunningService> {
  const { config, logger, database, redis } = deps;
  const metrics = createMetrics(definition.name);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  let shuttingDown = false;

  const schema = applyMiddleware(
    buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> }]),
    createPermissions(definition.permissions),
  );

  const apollo = new ApolloServer<TContext>({
    schema,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    // stopOnSignals() is the one shutdown path; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, logger, error),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      observabilityPlugin<TContext>(metrics, logger) as ApolloServerPlugin<TContext>,
    ],
  });
  await apollo.start();

  mountOperationalRoutes(app, {
    metrics,
    logger,
    isShuttingDown: () => shuttingDown,
    checks: [
      { name: 'postgres', check: () => database.ping() },
      { name: 'redis', check: async () => void (await redis.ping()) },
    ],
  });
  definition.routes?.(app);

  app.use(
    '/graphql',
    express.json({ limit: config.gateway.bodyLimit }),
    requireGatewaySignature(definition.name, config.internalContext.secret),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const internal = verifiedContexts.get(req);
        // Unreachable: requireGatewaySignature runs first and answers 401 itself.
        if (!internal) throw new Error('request reached GraphQL without a verified internal context');
        const body = req.body as { operationName?: unknown } | undefined;
        const base = createRequestContext({
          requestId: internal.requestId,
          principal: internal.principal,
          client: internal.client,
          operationName: typeof body?.operationName === 'string' ? body.operationName : null,
          logger,
          database,
        });
        return definition.extendContext(base);
      },
    }),
  );

  const stop = async () => {
    shuttingDown = true;
    await apollo.stop();
    await database.disconnect();
    redis.disconnect();
  };

  return {
    app,
    httpServer,
    listen: (port, host = config.host) => listen(httpServer, port, host),
    stop,
    stopOnSignals: () => stopOnSignals(stop, logger),
  };
}

function requireGatewaySignature(subgraph: string, secret: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers[INTERNAL_CONTEXT_HEADER];
    const body = req.body as { query?: unknown; variables?: unknown } | undefined;
    const operation =
      typeof body?.query === 'string'
        ? { query: body.query, variables: isRecord(body.variables) ? body.variables : undefined }
        : undefined;
    try {
      const internal = await verifyInternalContext(typeof header === 'string' ? header : undefined, { secret, subgraph, operation });
      verifiedContexts.set(req, internal);
      next();
    } catch (error) {
      if (!(error instanceof InvalidInternalContextError)) throw error;
      res.status(401).json({ errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
