// Builds the auth subgraph: signing keys, password hashing and the two features' services,
// served by the platform's createSubgraphServer. Nothing here listens; index.ts does.
import { fileURLToPath } from 'node:url';
import {
  createDatabase,
  createLogger,
  createRedis,
  createSubgraphServer,
  loadSubgraphTypeDefs,
  type Config,
  type Database,
  type Logger,
  type Redis,
  type RunningService,
  type SubgraphDefinition,
} from '@omni/core';
import { accountResolvers } from './account/resolvers.js';
import { AccountService } from './account/service.js';
import type { AuthService, SubgraphContext } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { mountJwksRoute } from './keys/routes.js';
import { SigningKeys } from './keys/signing-keys.js';
import { PasswordHasher, type PasswordHasherOptions } from './passwords/hasher.js';
import { permissions } from './permissions.js';
import { sessionResolvers } from './session/resolvers.js';
import { SessionService } from './session/service.js';
import { AccessTokenIssuer } from './session/tokens.js';

export const SUBGRAPH_NAME = 'auth';
const SCHEMA_DIR = fileURLToPath(new URL('./schema', import.meta.url));

/** Everything is created from `config` unless given (tests share or replace connections). */
export interface AuthSubgraphDeps {
  logger?: Logger;
  database?: Database;
  redis?: Redis;
  hashing?: PasswordHasherOptions;
}

export async function createAuthSubgraph(config: Config, deps: AuthSubgraphDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger({ service: SUBGRAPH_NAME, level: config.logLevel });
  const database = deps.database ?? createDatabase(config.database, logger);
  const redis = deps.redis ?? createRedis(config.redis.url, SUBGRAPH_NAME);
  try {
    const keys = new SigningKeys(database.prisma, config.auth.accessTokenTtlSeconds);
    await keys.load();
    const hasher = new PasswordHasher(deps.hashing);
    await hasher.prepare();
    const sessions = new SessionService({
      database,
      hasher,
      tokens: new AccessTokenIssuer(keys, config.auth),
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    });
    const auth: AuthService = { accounts: new AccountService({ database, hasher, sessions }), sessions };
    return await createSubgraphServer<SubgraphContext>(
      {
        name: SUBGRAPH_NAME,
        typeDefs: loadSubgraphTypeDefs(SCHEMA_DIR),
        resolvers: mergeResolvers(accountResolvers, sessionResolvers) as SubgraphDefinition<SubgraphContext>['resolvers'],
        permissions,
        extendContext: (base) => ({ ...base, auth }),
        routes: (app) => mountJwksRoute(app, keys, logger),
      },
      { config, logger, database, redis },
    );
  } catch (error) {
    // Do not leave connections open behind a service that never started.
    await database.disconnect();
    redis.disconnect();
    throw error;
  }
}

/** Combines the features' resolver maps type by type (both define Mutation fields). */
function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, object> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...(fields as object) };
  }
  return merged as Resolvers;
}
