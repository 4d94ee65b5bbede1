// Ending sessions: the rows, their audit records and the live state the gateway reads. The first
// two happen inside the caller's transaction; publishing happens after it commits.
import type { ClientInfo, Logger, Principal, TenantTx } from '@omni/core';
import { recordAudit, type AuditAction } from '../audit/recorder.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { revokeSessions, type SessionSelection } from './repository.js';

/** Session.revokedReason values written here. */
export type RevokedReason = 'LOGOUT' | 'REVOKED' | 'PASSWORD_CHANGED' | 'TOKEN_REUSE';

export interface RevocationAudit {
  action: AuditAction;
  actor: Principal | { userId: string } | null;
  client: ClientInfo;
}

/** Revokes the matching active sessions and records one audit event per session it ended. */
export async function revokeAndRecord(
  tx: TenantTx,
  companyId: string,
  selection: SessionSelection,
  reason: RevokedReason,
  audit: RevocationAudit,
): Promise<string[]> {
  const ids = await revokeSessions(tx, selection, reason);
  for (const id of ids) {
    await recordAudit(tx, companyId, { ...audit, target: { type: 'Session', id }, metadata: { reason } });
  }
  return ids;
}

/**
 * Tells the gateways the sessions are revoked. The revocation is already committed, so a Redis
 * failure is logged rather than reported to the caller; the state's TTL bounds how long a gateway
 * can keep an older "active" answer.
 */
export async function publishRevoked(state: PrincipalStatePublisher, sessionIds: readonly string[], logger: Logger): Promise<void> {
  const results = await Promise.allSettled(sessionIds.map((id) => state.session(id, { status: 'revoked' })));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) logger.warn({ err: failed[0]?.reason, sessions: failed.length }, 'publishing revoked sessions failed');
}
