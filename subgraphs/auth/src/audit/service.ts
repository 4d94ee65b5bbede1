// Reading the audit log of the caller's company: newest first, keyset-paginated, filtered.
import { requirePrincipal, toConnection, ValidationError, type Connection, type Prisma, type RequestContext } from '@omni/core';
import { parsePageArgs } from '../common/page-args.js';
import { listAuditEvents, type AuditEventRecord } from './repository.js';
import { auditCursorSchema, auditLogFilterSchema } from './validation.js';

export interface AuditLogArgs {
  first?: number | null;
  after?: string | null;
  filter?: unknown;
}

export interface AuditMetadataEntry {
  key: string;
  value: string | null;
}

export class AuditLogService {
  async list(ctx: RequestContext, args: AuditLogArgs): Promise<Connection<AuditEventRecord>> {
    const { companyId } = requirePrincipal(ctx);
    const page = parsePageArgs(args, auditCursorSchema);
    const filter = auditLogFilterSchema.safeParse(args.filter);
    if (!filter.success) {
      throw new ValidationError(filter.error.issues.map((i) => ({ field: ['filter', ...i.path.map(String)].join('.'), message: i.message })));
    }
    const after = page.after && { createdAt: new Date(page.after.t), id: page.after.i };
    const rows = await ctx.db.run((tx) => listAuditEvents(tx, companyId, filter.data ?? {}, { take: page.first + 1, after }));
    return toConnection(rows, page.first, (row) => ({ t: row.createdAt.toISOString(), i: row.id }));
  }
}

/** An event's metadata object as sorted key/value pairs; numbers and booleans are written out. */
export function metadataEntries(metadata: Prisma.JsonValue): AuditMetadataEntry[] {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return [];
  return Object.entries(metadata)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({
      key,
      value: value === null || value === undefined ? null : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value),
    }));
}
