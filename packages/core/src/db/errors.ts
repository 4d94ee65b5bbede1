// Recognising database failures a service should branch on, whichever way the query was made:
// Prisma model calls (P2002, P2003, P2025, ...), raw queries through Prisma (P2010 with the
// PostgreSQL SQLSTATE in meta.driverAdapterError), or node-postgres directly (err.code).

interface MaybeDbError {
  code?: unknown;
  meta?: {
    driverAdapterError?: {
      cause?: { originalCode?: unknown; originalMessage?: unknown; code?: unknown; constraint?: { index?: unknown } };
    };
    target?: unknown;
  };
  constraint?: unknown;
}

function asDbError(err: unknown): MaybeDbError {
  return typeof err === 'object' && err !== null ? (err as MaybeDbError) : {};
}

/** Prisma's own error code (P2002, ...), if any. */
export function prismaErrorCode(err: unknown): string | undefined {
  const { code } = asDbError(err);
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/** The PostgreSQL SQLSTATE (e.g. 23505) behind an error, if it came from the database. */
export function sqlState(err: unknown): string | undefined {
  const e = asDbError(err);
  const cause = e.meta?.driverAdapterError?.cause;
  const state = cause?.originalCode ?? cause?.code ?? e.code;
  return typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
}

/** The constraint or index a violation names (e.g. "User_email_key"), when reported. */
export function violatedConstraint(err: unknown): string | undefined {
  const e = asDbError(err);
  const name = e.meta?.driverAdapterError?.cause?.constraint?.index ?? e.constraint;
  return typeof name === 'string' ? name : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return prismaErrorCode(err) === 'P2002' || sqlState(err) === '23505';
}

export function isForeignKeyViolation(err: unknown): boolean {
  return prismaErrorCode(err) === 'P2003' || sqlState(err) === '23503';
}

/** A required record was not found, e.g. `update` of a row that RLS hides or that is gone. */
export function isRecordNotFound(err: unknown): boolean {
  return prismaErrorCode(err) === 'P2025';
}

/**
 * 42501: a row-level security WITH CHECK failed (writing another tenant's row) or the role
 * lacks a privilege. Either way the caller tried something it may not do.
 */
export function isInsufficientPrivilege(err: unknown): boolean {
  return sqlState(err) === '42501';
}

/** A write that a row-level security policy's WITH CHECK refused (e.g. another tenant's companyId). */
export function isRowLevelSecurityViolation(err: unknown): boolean {
  if (!isInsufficientPrivilege(err)) return false;
  const e = asDbError(err);
  const message = e.meta?.driverAdapterError?.cause?.originalMessage ?? (err as { message?: unknown }).message;
  return typeof message === 'string' && message.includes('row-level security');
}

export function isStatementTimeout(err: unknown): boolean {
  return sqlState(err) === '57014';
}

/** Serialization failure or deadlock: the whole transaction may be retried. */
export function isRetryableTransactionError(err: unknown): boolean {
  const state = sqlState(err);
  return prismaErrorCode(err) === 'P2034' || state === '40001' || state === '40P01';
}
