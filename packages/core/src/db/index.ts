// Database access for every service: see database.ts for the tenant-scoped transaction and
// prisma/migrations for the row-level security it relies on.
export { createDatabase, type Database, type TenantScope, type TenantTx } from './database.js';
export {
  isForeignKeyViolation,
  isInsufficientPrivilege,
  isRecordNotFound,
  isRetryableTransactionError,
  isRowLevelSecurityViolation,
  isStatementTimeout,
  isUniqueViolation,
  prismaErrorCode,
  sqlState,
  violatedConstraint,
} from './errors.js';
export { Prisma, PrismaClient, Role } from './generated/client.js';
export type { Company, Membership, Session, SigningKey, User } from './generated/client.js';
