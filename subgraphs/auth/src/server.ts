// Builds the auth subgraph: signing keys, password hashing, abuse limits, mail delivery and every
// feature's services, served by the platform's createSubgraphServer. Nothing here listens;
// index.ts does. Each feature's resolvers and permissions live in its own folder.
import { fileURLToPath } from 'node:url';
import {
  createDatabase,
  createLogger,
  createRedis,
  createSubgraphServer,
  SecretBox,
  loadSubgraphTypeDefs,
  stopOnSignals,
  type Config,
  type Database,
  type Logger,
  type Redis,
  type RunningService,
  type SubgraphDefinition,
} from '@omni/core';
import { AbuseLimits, type AbuseLimitsOptions } from './abuse/limits.js';
import { accountResolvers } from './account/resolvers.js';
import { AccountService } from './account/service.js';
import { apiKeyResolvers } from './api-keys/resolvers.js';
import { ApiKeyService } from './api-keys/service.js';
import type { AuthService, SubgraphContext } from './context.js';
import { EmailDelivery, withEmailDelivery, type EmailDeliveryOptions } from './email/delivery.js';
import type { Resolvers } from './generated/resolvers.js';
import { mountJwksRoute } from './keys/routes.js';
import { PrincipalStateReader } from './internal/principal-state.js';
import { mountInternalRoutes } from './internal/routes.js';
import { createTenancyServices, tenancyResolvers } from './members/module.js';
import { createLoginSecondFactor, createMfaServices } from './mfa/module.js';
import { mfaResolvers } from './mfa/resolvers.js';
import { SigningKeys, type SigningKeySettings } from './keys/signing-keys.js';
import { passwordResetResolvers } from './password-reset/resolvers.js';
import { PasswordResetService, type PasswordResetDeps } from './password-reset/service.js';
import { PasswordHasher, type PasswordHasherOptions } from './passwords/hasher.js';
import { permissions } from './permissions.js';
import { PrincipalStatePublisher } from './principal-state/publisher.js';
import { SessionManagementService } from './session/management-service.js';
import { PasswordChangeService } from './session/password-change-service.js';
import { RefreshService } from './session/refresh-service.js';
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
  /** Abuse-limit policies and Redis key namespace (tests keep their counters apart). */
  abuse?: Omit<AbuseLimitsOptions, 'logger'>;
  /** The abuse limits' own fail-fast connection (tests point it at a dead port). */
  limitsRedis?: Redis;
  /** Signing-key timings (tests shorten the propagation delay and key retention). */
  keys?: Partial<SigningKeySettings>;
  /** Mail delivery: queue, transport, relay scope (tests isolate their mail with these). */
  email?: EmailDeliveryOptions;
  /** Reset-token lifetime and clock (tests expire tokens). */
  passwordReset?: Pick<PasswordResetDeps, 'tokenTtlSeconds' | 'now'>;
}

export async function createAuthSubgraph(config: Config, deps: AuthSubgraphDeps = {}): Promise<RunningService> {
  const logger = deps.logger ?? createLogger({ service: SUBGRAPH_NAME, level: config.logLevel });
  const database = deps.database ?? createDatabase(config.database, logger);
  const redis = deps.redis ?? createRedis(config.redis.url, SUBGRAPH_NAME, logger);
  // Its own fail-fast connection: limits must refuse at once while Redis is down, not queue.
  const limitsRedis = deps.limitsRedis ?? createRedis(config.redis.url, 'auth-limits', logger, { failFast: true });
  const limits = new AbuseLimits(limitsRedis, { logger, ...deps.abuse });
  // Outbox, relay and send-email worker; started with the server, stopped before the database.
  const email = new EmailDelivery(config, { database, logger }, deps.email);
  try {
    const keys = new SigningKeys(database.prisma, new SecretBox(config.dataEncryptionKey), { accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds, ...deps.keys }, logger);
    await keys.start();
    const hasher = new PasswordHasher(deps.hashing);
    await hasher.prepare();
    const { challenges, secondFactor } = createLoginSecondFactor(database, redis);
    const sessions = new SessionService({
      database,
      hasher,
      limits,
      secondFactor,
      tokens: new AccessTokenIssuer(keys, config.auth),
      logger,
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    });
    const state = new PrincipalStatePublisher(redis);
    const mfa = createMfaServices({ config, database, hasher, limits, challenges, sessions, outbox: email.outbox, state, logger });
    const apiKeys = new ApiKeyService({ state });
    const refresh = new RefreshService({ database, sessions, state, logger });
    const sessionManagement = new SessionManagementService({ state, logger });
    const passwordChange = new PasswordChangeService({ database, hasher, limits, secondFactor: mfa.stepUp, state, logger });
    const passwordReset = new PasswordResetService({
      ...deps.passwordReset,
      database,
      hasher,
      outbox: email.outbox,
      limits,
      state,
      logger,
      publicAppUrl: config.mail.publicAppUrl,
    });
    const tenancy = createTenancyServices({ config, database, hasher, sessions, limits, state });
    const auth: AuthService = {
      accounts: new AccountService({ database, hasher, sessions }),
      sessions,
      refresh,
      sessionManagement,
      passwordChange,
      passwordReset,
      mfa,
      apiKeys,
      limits,
      state,
      email: email.outbox,
      ...tenancy,
    };
    const stateReader = new PrincipalStateReader({ database, redis, logger });
    const service = await createSubgraphServer<SubgraphContext>(
      {
        name: SUBGRAPH_NAME,
        typeDefs: loadSubgraphTypeDefs(SCHEMA_DIR),
        resolvers: mergeResolvers(
          accountResolvers,
          sessionResolvers,
          mfaResolvers,
          apiKeyResolvers,
          passwordResetResolvers,
          ...tenancyResolvers,
        ) as SubgraphDefinition<SubgraphContext>['resolvers'],
        permissions,
        extendContext: (base) => ({ ...base, auth }),
        routes: (app) => {
          mountJwksRoute(app, keys, logger);
          mountInternalRoutes(app, { secret: config.internalContext.secret, reader: stateReader, logger });
        },
      },
      { config, logger, database, redis },
    );
    await email.start();
    return alsoOnStop(withEmailDelivery(service, email), logger, () => limitsRedis.disconnect(), () => keys.stop());
  } catch (error) {
    // Do not leave connections open behind a service that never started.
    await database.disconnect();
    redis.disconnect();
    limitsRedis.disconnect();
    await email.stop();
    throw error;
  }
}

/** Closes the module's own connections after the platform's stop has drained requests. */
function alsoOnStop(service: RunningService, logger: Logger, ...closers: Array<() => void | Promise<void>>): RunningService {
  const stop = async () => {
    await service.stop();
    for (const close of closers) await close();
  };
  return { ...service, stop, stopOnSignals: () => stopOnSignals(stop, logger) };
}

/** Combines the features' resolver maps type by type (several define Query and Mutation fields). */
function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, object> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...(fields as object) };
  }
  return merged as Resolvers;
}
