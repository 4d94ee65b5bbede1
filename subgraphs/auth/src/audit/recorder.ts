// Security audit events. Recorded inside the same transaction as the change they describe, so
// the log and the data never disagree; the app role can insert but never change or delete them.
import { randomUUID } from 'node:crypto';
import type { ClientInfo, Principal, TenantTx } from '@omni/core';

/** Every action the audit log knows. Add here; the schema's AuditAction enum mirrors this list. */
export const AUDIT_ACTIONS = [
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'MFA_CHALLENGE_FAILED',
  'MFA_ENROLLED',
  'MFA_DISABLED',
  'RECOVERY_CODE_USED',
  'PASSWORD_CHANGED',
  'PASSWORD_RESET',
  'SESSION_REVOKED',
  'REFRESH_TOKEN_REUSE_DETECTED',
  'COMPANY_SWITCHED',
  'MEMBER_INVITED',
  'INVITATION_REVOKED',
  'INVITATION_ACCEPTED',
  'ROLE_CHANGED',
  'MEMBER_REMOVED',
  'SERVICE_ACCOUNT_CREATED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'MODULE_TOGGLED',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  /** Who did it: the request's principal, or an explicit user (e.g. a failed log-in's account). */
  actor: Principal | { userId: string } | null;
  target?: { type: string; id: string };
  client: ClientInfo;
  metadata?: Record<string, string | number | boolean | null>;
}

/** Writes one audit event in `tx`, which must be scoped to the event's company. */
export async function recordAudit(tx: TenantTx, companyId: string, entry: AuditEntry): Promise<void> {
  const actor = entry.actor;
  await tx.auditEvent.create({
    data: {
      id: randomUUID(),
      companyId,
      action: entry.action,
      actorUserId: actor === null ? null : 'kind' in actor ? (actor.kind === 'user' ? actor.userId : null) : actor.userId,
      actorApiKeyId: actor !== null && 'kind' in actor && actor.kind === 'apiKey' ? actor.apiKeyId : null,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.client.ip?.slice(0, 64) ?? null,
      userAgent: entry.client.userAgent?.slice(0, 500) ?? null,
      metadata: entry.metadata ?? {},
    },
  });
}
