// Ending sessions: the rows, their audit records and the live state the gateway reads. The first
// two happen inside the caller's transaction; publishing happens after it commits.
import type { ClientInfo, Database, Logger, Principal, TenantTx } from '@omni/core';
import { recordAudit, type AuditAction } from '../audit/recorder.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { findMyCompanyIds, revokeSessions, type SessionSelection } from './repository.js';

/** Session.revokedReason values written here (the column is VARCHAR(32)). */
export type RevokedReason = 'LOGOUT' | 'REVOKED' | 'PASSWORD_CHANGED' | 'TOKEN_REUSE' | 'MFA_DISABLED';

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

export interface PersonSessionsDeps {
  database: Database;
  state: PrincipalStatePublisher;
  logger: Logger;
}

/** Whose sessions end everywhere, which one stays, why, and how it is audited. */
export interface PersonSessionsEnding {
  /** The person. */
  userId: string;
  /** The company whose tenant scope the change runs in (the caller's); need not be one of theirs. */
  companyId: string;
  /** The session that stays signed in (the caller's own); without it, every session ends. */
  keepSessionId?: string;
  reason: RevokedReason;
  /** Who ended them and from where: one SESSION_REVOKED audit event per ended session. */
  actor: RevocationAudit['actor'];
  client: ClientInfo;
  /** More to record in each company, in the transaction that ended its sessions there. */
  recordInCompany?: (tx: TenantTx, companyId: string, revoked: readonly string[]) => Promise<void>;
}

export interface ChangeWithEndedSessions<T> {
  result: T;
  /** Every session that ended, in every company (empty when the change was not made). */
  revoked: string[];
}

/**
 * Makes a change after which the person's other sessions must not survive (a new password, a
 * removed second factor), then ends them in every company the person belongs to:
 *
 * 1. One transaction in `ending.companyId`'s scope runs `change`. When `made(result)`, the
 *    person's sessions in that company end in the same transaction, so they commit together.
 *    Otherwise nothing is ended (and `change` must have written nothing).
 * 2. After that commit (nothing can be opened with the old credential any more), each other
 *    company of the person, in its own tenant scope: row-level security shows only one
 *    company's sessions per transaction.
 * 3. Every ended session is published as revoked, so gateways refuse its access tokens at once
 *    (its refresh token already fails, the row being revoked).
 */
export async function changeAndEndSessionsEverywhere<T>(
  deps: PersonSessionsDeps,
  ending: PersonSessionsEnding,
  change: (tx: TenantTx) => Promise<T>,
  made: (result: T) => boolean,
): Promise<ChangeWithEndedSessions<T>> {
  const { database, state, logger } = deps;
  const scope = { companyId: ending.companyId, userId: ending.userId };
  const first = await database.withTenant(scope, async (tx) => {
    const result = await change(tx);
    if (!made(result)) return { result, revoked: [], otherCompanyIds: [] };
    const companyIds = await findMyCompanyIds(tx);
    // The scope's company may be none of the person's (a password reset with no membership).
    const revoked = companyIds.includes(ending.companyId) ? await endInCompany(tx, ending.companyId, ending) : [];
    return { result, revoked, otherCompanyIds: companyIds.filter((id) => id !== ending.companyId) };
  });
  const revoked = [...first.revoked];
  try {
    for (const companyId of first.otherCompanyIds) {
      revoked.push(...(await database.withTenant({ companyId, userId: ending.userId }, (tx) => endInCompany(tx, companyId, ending))));
    }
  } finally {
    // Also when a later company failed: what did end must reach the gateways.
    await publishRevoked(state, revoked, logger);
  }
  return { result: first.result, revoked };
}

async function endInCompany(tx: TenantTx, companyId: string, ending: PersonSessionsEnding): Promise<string[]> {
  const selection = { userId: ending.userId, exceptId: ending.keepSessionId };
  const revoked = await revokeAndRecord(tx, companyId, selection, ending.reason, { action: 'SESSION_REVOKED', actor: ending.actor, client: ending.client });
  await ending.recordInCompany?.(tx, companyId, revoked);
  return revoked;
}
