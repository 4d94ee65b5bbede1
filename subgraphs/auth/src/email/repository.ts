// The only Prisma access for outgoing mail. EmailMessage is platform-wide (no row-level
// security): the outbox writes it from any tenant transaction, the relay and the send-email job
// read and update it outside any tenant scope.
import { Prisma, type PrismaClient, type TenantTx } from '@omni/core';

export interface NewEmailMessage {
  id: string;
  to: string;
  subject: string;
  /** Sealed with SecretBox. */
  body: string;
}

export async function insertEmailMessage(tx: TenantTx, message: NewEmailMessage, channel: string): Promise<void> {
  await tx.emailMessage.create({ data: message });
  // Delivered to listeners only if and when this transaction commits.
  await tx.$executeRaw`SELECT pg_notify(${channel}, ${message.id})`;
}

/**
 * Which rows a relay takes. 'deliverable' (every replica's relay): all but recipients under the
 * reserved `.invalid` top-level domain (RFC 6761: never deliverable). A `{ domain }` relay takes
 * only that domain; tests use `<uuid>.invalid` so that their rows are theirs alone while other
 * relays share the database.
 */
export type RecipientScope = { domain: string } | 'deliverable';

/**
 * One relay pass, in one transaction: locks up to `limit` messages nobody has queued yet (oldest
 * first), hands their ids to `enqueue`, and marks them queued. SKIP LOCKED lets several relays
 * (one per replica) run at once without waiting for or double-queueing each other's rows; if
 * `enqueue` throws, the transaction rolls back and the rows stay for a later pass.
 */
export function queueUnqueuedMessages(
  prisma: PrismaClient,
  batch: { limit: number; scope: RecipientScope; timeoutMs: number },
  enqueue: (ids: string[]) => Promise<void>,
): Promise<number> {
  const recipients =
    batch.scope === 'deliverable'
      ? Prisma.sql`"to" NOT ILIKE '%.invalid'`
      : Prisma.sql`lower("to") LIKE ${`%@${batch.scope.domain.toLowerCase().replace(/[\\%_]/g, '\\$&')}`}`;
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "EmailMessage"
        WHERE "queuedAt" IS NULL AND ${recipients}
        ORDER BY "createdAt"
        LIMIT ${batch.limit}
        FOR UPDATE SKIP LOCKED`;
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return 0;
      await enqueue(ids);
      await tx.emailMessage.updateMany({ where: { id: { in: ids } }, data: { queuedAt: new Date() } });
      return ids.length;
    },
    { maxWait: batch.timeoutMs, timeout: batch.timeoutMs * 3 },
  );
}

export interface StoredEmailMessage {
  id: string;
  to: string;
  subject: string;
  body: string;
  createdAt: Date;
  sentAt: Date | null;
}

export function findEmailMessage(prisma: PrismaClient, id: string): Promise<StoredEmailMessage | null> {
  return prisma.emailMessage.findUnique({
    where: { id },
    select: { id: true, to: true, subject: true, body: true, createdAt: true, sentAt: true },
  });
}

/** Conditional, so a duplicate run of the job cannot move sentAt. */
export async function markSent(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.emailMessage.updateMany({
    where: { id, sentAt: null },
    data: { sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
  });
}

export async function recordFailedAttempt(prisma: PrismaClient, id: string, error: string): Promise<void> {
  await prisma.emailMessage.update({
    where: { id },
    data: { attempts: { increment: 1 }, lastError: error.slice(0, 500) },
  });
}

/** The database the client is connected to: jobs name rows of exactly this database. */
export async function currentDatabaseName(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<Array<{ name: string }>>`SELECT current_database() AS name`;
  if (!row) throw new Error('current_database() returned nothing');
  return row.name;
}
