// The one request context every subgraph resolver receives, built by one factory: the verified
// principal, a tenant-scoped database handle, fresh DataLoaders and a child logger.
import { AppError } from '../errors/errors.js';
import type { Database, TenantTx } from '../db/index.js';
import type { ClientInfo } from '../identity/internal-context.js';
import { actingUserId, type Principal } from '../identity/principal.js';
import type { Logger } from '../logger/logger.js';
import { Loaders } from '../loaders/loaders.js';

export interface TenantDb {
  /**
   * Runs `fn` in one transaction in which row-level security shows only the caller's company.
   * Throws UNAUTHENTICATED for anonymous callers.
   */
  run<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T>;
}

export interface RequestContext {
  requestId: string;
  principal: Principal | null;
  /** The client's IP and user agent as the gateway saw them (informational only). */
  client: ClientInfo;
  logger: Logger;
  loaders: Loaders;
  db: TenantDb;
}

export function createRequestContext(input: {
  requestId: string;
  principal: Principal | null;
  client: ClientInfo;
  operationName?: string | null;
  logger: Logger;
  database: Database;
}): RequestContext {
  const { principal, database } = input;
  return {
    requestId: input.requestId,
    principal,
    client: input.client,
    logger: input.logger.child({
      requestId: input.requestId,
      companyId: principal?.companyId,
      userId: principal?.kind === 'user' ? principal.userId : undefined,
      apiKeyId: principal?.kind === 'apiKey' ? principal.apiKeyId : undefined,
      operation: input.operationName ?? undefined,
    }),
    loaders: new Loaders(),
    db: {
      run(fn) {
        if (!principal) return Promise.reject(new AppError('UNAUTHENTICATED'));
        return database.withTenant({ companyId: principal.companyId, userId: actingUserId(principal) }, fn);
      },
    },
  };
}

/** The caller, or UNAUTHENTICATED. Services use it when a rule needs the principal's data. */
export function requirePrincipal(context: Pick<RequestContext, 'principal'>): Principal {
  if (!context.principal) throw new AppError('UNAUTHENTICATED');
  return context.principal;
}
