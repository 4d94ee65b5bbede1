// @omni/core: the platform runtime every service shares.
export * from './config/config.js';
export * from './logger/logger.js';
export * from './errors/errors.js';
export * from './identity/principal.js';
export * from './identity/permissions.js';
export * from './identity/principal-state.js';
export * from './identity/scoped-token.js';
export * from './identity/internal-context.js';
export * from './context/context.js';
export * from './permissions/rules.js';
export * from './loaders/loaders.js';
export * from './pagination/pagination.js';
export * from './metrics/metrics.js';
export * from './redis/redis.js';
export * from './http/operations.js';
export * from './http/subgraph-server.js';
export * from './db/index.js';
export * from './schema/load.js';
export * from './secrets/encryption.js';
// The identity Role and Prisma's Role enum are the same four strings; the identity one is canonical.
export type { Role } from './identity/principal.js';
