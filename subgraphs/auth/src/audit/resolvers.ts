// Thin: the audit log query and how an event's stored columns are shown. Rules live in service.ts.
import type { AuditAction, Resolvers } from '../generated/resolvers.js';
import { metadataEntries } from './service.js';

export const auditResolvers: Resolvers = {
  Query: {
    auditLog: (_parent, args, ctx) => ctx.auth.auditLog.list(ctx, args),
  },
  AuditEvent: {
    // Stored actions come from AUDIT_ACTIONS, which the schema's enum mirrors (a unit test checks).
    action: (event) => event.action as AuditAction,
    // Null for people no longer in the company: row-level security hides them.
    actor: (event, _args, ctx) => (event.actorUserId ? ctx.auth.accounts.userById(ctx, event.actorUserId) : null),
    metadata: (event) => metadataEntries(event.metadata),
    createdAt: (event) => event.createdAt.toISOString(),
  },
};
