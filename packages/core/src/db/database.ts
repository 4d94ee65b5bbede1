// The database handle every service gets: Prisma 7 on @prisma/adapter-pg, connected as the app
// role (omni_app), which owns nothing and has no BYPASSRLS, so PostgreSQL row-level security
// decides which rows each query sees.
//
// Tenant data is only ever read or written inside `withTenant`: one interactive transaction that
// first sets app.company_id / app.user_id with set_config(..., true). `true` makes the settings
// transaction-local, so they end with the transaction and can never leak to the next request
// that borrows the same pooled connection (a session-level setting would).
import { PrismaPg } from '@prisma/adapter-pg';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger/logger.js';
import { PrismaClient, type Prisma } from './generated/client.js';

/** The client inside a tenant transaction: every model, no $connect/$transaction. */
export type TenantTx = Prisma.TransactionClient;

export interface TenantScope {
  companyId: string;
  /** The acting user; null for API keys and system jobs acting for the company. */
  userId?: string | null;
}

export interface Database {
  /**
   * The bare client. Outside `withTenant` row-level security shows no tenant rows at all; use it
   * for global tables (e.g. SigningKey) and SECURITY DEFINER functions only.
   */
  prisma: PrismaClient;
  /**
   * Runs `fn` in one transaction scoped to the tenant: it commits when `fn` resolves and rolls
   * back everything when it throws (the error is rethrown).
   */
  withTenant<T>(scope: TenantScope, fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  /** Resolves when the database answers (readiness checks). */
  ping(): Promise<void>;
  /** Closes every pooled connection. */
  disconnect(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDatabase(config: Config['database'], logger?: Logger): Database {
  const adapter = new PrismaPg(
    {
      connectionString: config.url,
      max: config.poolSize,
      // Sent at connection start, so it holds for every statement on every pooled connection.
      statement_timeout: config.statementTimeoutMs,
      // Backstop for a transaction left open by a bug: the server ends it and frees the slot.
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
      connectionTimeoutMillis: config.statementTimeoutMs,
      application_name: 'omni',
    },
    {
      onPoolError: (err) => logger?.warn({ err }, 'idle database connection failed'),
      onConnectionError: (err) => logger?.warn({ err }, 'database connection failed'),
    },
  );
  const prisma = new PrismaClient({ adapter });

  // One request's transaction may take as long as one statement may; waiting for a free
  // connection from a busy pool is bounded the same way.
  const transactionOptions = { maxWait: config.statementTimeoutMs, timeout: config.statementTimeoutMs };

  return {
    prisma,
    async withTenant(scope, fn) {
      const { companyId, userId } = checkScope(scope);
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('app.company_id', ${companyId}, true), set_config('app.user_id', ${userId}, true)`;
        return fn(tx);
      }, transactionOptions);
    },
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async disconnect() {
      await prisma.$disconnect();
    },
  };
}

/**
 * Ids must be uuids: the policies cast the settings to uuid, and a malformed id would otherwise
 * surface as a confusing cast error halfway through a request. No user is stored as ''.
 */
function checkScope(scope: TenantScope): { companyId: string; userId: string } {
  if (!UUID.test(scope.companyId)) throw new TypeError('withTenant: companyId must be a uuid');
  const userId = scope.userId ?? '';
  if (userId !== '' && !UUID.test(userId)) throw new TypeError('withTenant: userId must be a uuid or null');
  return { companyId: scope.companyId, userId };
}
