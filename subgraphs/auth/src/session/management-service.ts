// A signed-in person's view of their own sessions in the current company: list them, end one,
// or log out of the current one. Only people have sessions (the schema's rules use isUser), and
// every query is narrowed to the caller's user id inside the caller's tenant scope, so another
// user's or company's session id is not found, exactly like a random one.
import type { Logger, RequestContext } from '@omni/core';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { callingPerson } from './person.js';
import { findLiveSessions } from './repository.js';
import { sessionNotFound, type LoggedOutResult, type SessionNotFoundResult, type SessionRevokedResult, type SessionView } from './results.js';
import { publishRevoked, revokeAndRecord, type RevokedReason } from './revocation.js';

export interface SessionManagementDeps {
  state: PrincipalStatePublisher;
  logger: Logger;
}

export class SessionManagementService {
  constructor(private readonly deps: SessionManagementDeps) {}

  /** The caller's sessions that still work, newest first; `current` marks the one calling. */
  async list(ctx: RequestContext): Promise<SessionView[]> {
    const principal = callingPerson(ctx);
    const rows = await ctx.db.run((tx) => findLiveSessions(tx, principal.userId, new Date()));
    return rows.map((row) => ({
      id: row.id,
      userAgent: row.userAgent,
      ip: row.ip,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      current: row.id === principal.sessionId,
    }));
  }

  /** Ends one of the caller's own sessions (the current one included). */
  async revoke(ctx: RequestContext, sessionId: string): Promise<SessionRevokedResult | SessionNotFoundResult> {
    const revoked = await this.end(ctx, sessionId, 'REVOKED');
    return revoked ? { __typename: 'SessionRevoked', id: sessionId } : sessionNotFound();
  }

  /** Ends the session the caller's access token belongs to. Logging out twice is not an error. */
  async logOut(ctx: RequestContext): Promise<LoggedOutResult> {
    const { sessionId } = callingPerson(ctx);
    await this.end(ctx, sessionId, 'LOGOUT');
    return { __typename: 'LoggedOut', sessionId };
  }

  private async end(ctx: RequestContext, sessionId: string, reason: RevokedReason): Promise<boolean> {
    const principal = callingPerson(ctx);
    const ids = await ctx.db.run((tx) =>
      revokeAndRecord(tx, principal.companyId, { userId: principal.userId, id: sessionId }, reason, {
        action: 'SESSION_REVOKED',
        actor: principal,
        client: ctx.client,
      }),
    );
    // The caller's own session is published even when it was already revoked (repairs a lost
    // publication); another id only when it was one of the caller's.
    if (ids.length > 0 || sessionId === principal.sessionId) await publishRevoked(this.deps.state, [sessionId], this.deps.logger);
    return ids.length > 0;
  }
}
