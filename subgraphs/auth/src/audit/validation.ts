// The audit log's arguments: a cursor of its own sort key and a filter of known values only.
import { z } from 'zod';
import { AUDIT_ACTIONS } from './recorder.js';

export const auditCursorSchema = z.object({ t: z.iso.datetime(), i: z.uuid() });

const moment = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' }).transform((v) => new Date(v));

export const auditLogFilterSchema = z
  .object({
    actions: z.array(z.enum(AUDIT_ACTIONS)).max(AUDIT_ACTIONS.length).nullish(),
    actorUserId: z.uuid('must be a user id').nullish(),
    since: moment.nullish(),
    until: moment.nullish(),
  })
  .refine((f) => !f.since || !f.until || f.since <= f.until, { message: 'must not be before `since`', path: ['until'] })
  .nullish();

export type AuditLogFilterInput = z.output<typeof auditLogFilterSchema>;
