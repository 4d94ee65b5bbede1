// What the gateway asks on a cache miss: the live state behind an access token (membership,
// session, company modules) or behind an API key, read from PostgreSQL in the token's company.
// The answer is also cached in Redis with SET NX, like the gateway does: a fill never overwrites
// what Auth published after a change (PrincipalStatePublisher), which may be newer than this read.
import {
  PRINCIPAL_STATE_TTL_SECONDS,
  principalStateKeys,
  type Database,
  type Logger,
  type Redis,
  type ApiKeyStateAnswer,
  type TokenStateAnswer,
} from '@omni/core';
import { authenticateApiKey } from '../api-keys/authentication.js';
import { enabledModules, liveModules } from '../company/modules.js';
import { findCompanyModules, findMembershipState, findSessionState } from './repository.js';
import type { ApiKeyRequest, PrincipalStateRequest } from './validation.js';


export interface PrincipalStateReaderDeps {
  database: Database;
  redis: Redis;
  logger: Logger;
}

export class PrincipalStateReader {
  constructor(private readonly deps: PrincipalStateReaderDeps) {}

  async forToken({ companyId, userId, sessionId }: PrincipalStateRequest, now = new Date()): Promise<TokenStateAnswer> {
    const answer = await this.deps.database.withTenant({ companyId, userId }, async (tx) => {
      const membership = await findMembershipState(tx, companyId, userId);
      const session = await findSessionState(tx, sessionId);
      const modules = await findCompanyModules(tx, companyId);
      const sessionActive = session !== null && session.userId === userId && session.revokedAt === null && session.expiresAt > now;
      return {
        membership: membership ? { status: 'active' as const, role: membership.role, version: membership.version } : { status: 'removed' as const },
        session: { status: sessionActive ? ('active' as const) : ('revoked' as const) },
        company: { modules: liveModules(enabledModules(modules ?? [])) },
      };
    });
    this.fill([
      [principalStateKeys.membership(companyId, userId), answer.membership, PRINCIPAL_STATE_TTL_SECONDS],
      [principalStateKeys.session(sessionId), answer.session, PRINCIPAL_STATE_TTL_SECONDS],
      [principalStateKeys.company(companyId), answer.company, PRINCIPAL_STATE_TTL_SECONDS],
    ]);
    return answer;
  }

  async forApiKey(request: ApiKeyRequest, now = new Date()): Promise<ApiKeyStateAnswer> {
    const answer = await this.deps.database.withTenant({ companyId: request.companyId, userId: null }, async (tx) => {
      const check = await authenticateApiKey(tx, request, now);
      if (check.state.status !== 'active') return { apiKey: check.state, company: null, ttlSeconds: PRINCIPAL_STATE_TTL_SECONDS };
      const modules = await findCompanyModules(tx, request.companyId);
      const untilExpiry = check.expiresAt ? Math.ceil((check.expiresAt.getTime() - now.getTime()) / 1000) : Infinity;
      return {
        apiKey: check.state,
        company: { modules: liveModules(enabledModules(modules ?? [])) },
        ttlSeconds: Math.max(1, Math.min(PRINCIPAL_STATE_TTL_SECONDS, untilExpiry)),
      };
    });
    this.fill([
      [principalStateKeys.apiKey(request.keyHash), answer.apiKey, answer.ttlSeconds],
      ...(answer.company ? [[principalStateKeys.company(request.companyId), answer.company, PRINCIPAL_STATE_TTL_SECONDS] as const] : []),
    ]);
    return answer;
  }

  /** Best effort and off the response path: the gateway has its answer either way. */
  private fill(entries: ReadonlyArray<readonly [string, unknown, number]>): void {
    const pipeline = this.deps.redis.pipeline();
    for (const [key, value, ttl] of entries) pipeline.set(key, JSON.stringify(value), 'EX', ttl, 'NX');
    pipeline.exec().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not cache principal state'));
  }
}
