// The only Prisma access for reading the audit log (recorder.ts writes it). Runs inside the
// caller's tenant transaction, so row-level security shows only the caller's company's events.
import type { Prisma, TenantTx } from '@omni/core';

export interface AuditEventRecord {
  id: string;
  action: string;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Prisma.JsonValue;
  createdAt: Date;
}

export interface AuditEventFilter {
  actions?: string[] | null | undefined;
  actorUserId?: string | null | undefined;
  /** Inclusive. */
  since?: Date | null | undefined;
  /** Exclusive. */
  until?: Date | null | undefined;
}

/**
 * One page, newest first (createdAt, id descending: the order of the (companyId, createdAt DESC,
 * id) index); `take` is one more than the page.
 */
export function listAuditEvents(
  tx: TenantTx,
  companyId: string,
  filter: AuditEventFilter,
  page: { take: number; after: { createdAt: Date; id: string } | null },
): Promise<AuditEventRecord[]> {
  const { after } = page;
  const createdAt = {
    ...(filter.since ? { gte: filter.since } : {}),
    ...(filter.until ? { lt: filter.until } : {}),
  };
  return tx.auditEvent.findMany({
    where: {
      companyId,
      ...(filter.actions ? { action: { in: filter.actions } } : {}),
      ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
      ...(filter.since || filter.until ? { createdAt } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: page.take,
    select: {
      id: true,
      action: true,
      actorUserId: true,
      actorApiKeyId: true,
      targetType: true,
      targetId: true,
      ip: true,
      userAgent: true,
      metadata: true,
      createdAt: true,
    },
  });
}
