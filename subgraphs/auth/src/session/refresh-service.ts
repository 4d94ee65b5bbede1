// Refresh-token rotation with reuse detection (RFC 9700 §4.14.2, security.md §3.1). Every refresh
// retires the presented token and issues the session's next one; presenting a token that was
// already rotated means two parties hold the session's tokens, so the whole session is revoked.
// The database decides races: only the refresh whose conditional UPDATE marks the token rotated
// continues, so two concurrent refreshes never fork the session into two live tokens.
import type { ClientInfo, Database, Logger, Role, TenantTx } from '@omni/core';
import { findCompaniesByIds, findUsersByIds } from '../account/repository.js';
import type { CompanyMapper, UserRecord } from '../mappers.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { findMembership, findRefreshToken, insertRefreshToken, rotateRefreshToken, touchLiveSession } from './repository.js';
import { invalidRefreshToken, type InvalidRefreshTokenResult } from './results.js';
import { publishRevoked, revokeAndRecord } from './revocation.js';
import type { AuthPayloadResult, OpenedSession, SessionService } from './service.js';
import { newRefreshToken, readRefreshToken } from './tokens.js';
import type { RefreshSessionInput } from './validation.js';

/**
 * A token rotated this recently is answered as invalid without revoking anything: the usual cause
 * is the same client refreshing twice at once (two tabs, a retried request), not theft.
 */
export const REUSE_GRACE_MS = 10_000;

export interface RefreshServiceDeps {
  database: Database;
  sessions: Pick<SessionService, 'payload'>;
  state: PrincipalStatePublisher;
  logger: Logger;
}

type Rotation =
  | { kind: 'rotated'; session: OpenedSession; user: UserRecord; company: CompanyMapper; role: Role }
  | { kind: 'reuse'; revokedSessionIds: string[] }
  | { kind: 'invalid' };

/** Thrown inside the transaction to roll back a rotation that must not happen. */
class RefreshRefused extends Error {}

export class RefreshService {
  constructor(private readonly deps: RefreshServiceDeps) {}

  async refresh(input: RefreshSessionInput, client: ClientInfo): Promise<AuthPayloadResult | InvalidRefreshTokenResult> {
    const presented = readRefreshToken(input.refreshToken);
    if (!presented) return invalidRefreshToken();
    let rotation: Rotation;
    try {
      rotation = await this.deps.database.withTenant({ companyId: presented.companyId }, (tx) =>
        this.rotate(tx, presented.companyId, presented.hash, client),
      );
    } catch (error) {
      if (error instanceof RefreshRefused) return invalidRefreshToken();
      throw error;
    }
    if (rotation.kind === 'reuse') await publishRevoked(this.deps.state, rotation.revokedSessionIds, this.deps.logger);
    if (rotation.kind !== 'rotated') return invalidRefreshToken();
    return this.deps.sessions.payload(rotation.session, rotation.user, { role: rotation.role, company: rotation.company });
  }

  private async rotate(tx: TenantTx, companyId: string, tokenHash: string, client: ClientInfo): Promise<Rotation> {
    if (!(await rotateRefreshToken(tx, tokenHash))) return this.notCurrent(tx, companyId, tokenHash, client);
    const token = await findRefreshToken(tx, tokenHash);
    const session = token ? await touchLiveSession(tx, token.sessionId, new Date()) : null;
    // Revoked or expired session: roll the rotation back so a refused refresh writes nothing.
    if (!token || !session) throw new RefreshRefused();
    // The role comes from the membership as it is now, not from the token being replaced.
    const membership = await findMembership(tx, companyId, session.userId);
    const [user] = await findUsersByIds(tx, [session.userId]);
    const [company] = await findCompaniesByIds(tx, [companyId]);
    if (!membership || !user || !company) throw new RefreshRefused();
    const next = newRefreshToken(companyId);
    await insertRefreshToken(tx, { tokenHash: next.hash, companyId, sessionId: token.sessionId });
    return {
      kind: 'rotated',
      session: { id: token.sessionId, refreshToken: next.token, membershipVersion: membership.version },
      user,
      company,
      role: membership.role,
    };
  }

  /** The token is unknown or no longer current: a benign race, or reuse of a stolen token. */
  private async notCurrent(tx: TenantTx, companyId: string, tokenHash: string, client: ClientInfo): Promise<Rotation> {
    const token = await findRefreshToken(tx, tokenHash);
    if (!token?.rotatedAt || Date.now() - token.rotatedAt.getTime() < REUSE_GRACE_MS) return { kind: 'invalid' };
    // Audited once per session: replaying an old token of an already revoked session adds nothing.
    const revokedSessionIds = await revokeAndRecord(tx, companyId, { id: token.sessionId }, 'TOKEN_REUSE', {
      action: 'REFRESH_TOKEN_REUSE_DETECTED',
      actor: null,
      client,
    });
    return { kind: 'reuse', revokedSessionIds };
  }
}
