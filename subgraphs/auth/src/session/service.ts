// Log-in and the sessions it opens. The rules that matter here: one answer for every failed
// log-in (unknown email, wrong password, no company), with the same hashing work on each path so
// timing does not tell them apart either; tokens are signed only after the session is committed.
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ClientInfo, type Database, type Role, type TenantTx } from '@omni/core';
import { findCompaniesByIds, findUsersByIds } from '../account/repository.js';
import type { CompanyMapper, UserMapper, UserRecord } from '../mappers.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import { findLoginCandidates, insertSession } from './repository.js';
import { newRefreshToken, type AccessTokenIssuer } from './tokens.js';
import type { LogInInput } from './validation.js';

export interface AuthPayloadResult {
  __typename: 'AuthPayload';
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: UserMapper;
}

export interface InvalidCredentialsResult {
  __typename: 'InvalidCredentials';
  code: 'INVALID_CREDENTIALS';
  message: string;
}

/** A session row written in a transaction that has not necessarily committed yet. */
export interface OpenedSession {
  id: string;
  refreshToken: string;
}

export interface SessionServiceDeps {
  database: Database;
  hasher: PasswordHasher;
  tokens: AccessTokenIssuer;
  refreshTokenTtlSeconds: number;
}

const INVALID_CREDENTIALS: InvalidCredentialsResult = {
  __typename: 'InvalidCredentials',
  code: 'INVALID_CREDENTIALS',
  message: ERROR_CODES.INVALID_CREDENTIALS,
};

export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  async logIn(input: LogInInput, client: ClientInfo): Promise<AuthPayloadResult | InvalidCredentialsResult> {
    const { database, hasher } = this.deps;
    const candidates = await findLoginCandidates(database.prisma, input.email);
    const account = candidates[0];
    const passwordOk = account ? await hasher.verify(account.passwordHash, input.password) : await hasher.verifyDummy(input.password);
    // Until users can pick a company at log-in, the first membership is the session's company.
    const membership = candidates.find((c) => c.companyId !== null && c.role !== null);
    if (!account || !passwordOk || !membership?.companyId || !membership.role) return { ...INVALID_CREDENTIALS };

    const scope = { companyId: membership.companyId, userId: account.userId };
    const opened = await database.withTenant(scope, async (tx) => {
      const [user] = await findUsersByIds(tx, [scope.userId]);
      const [company] = await findCompaniesByIds(tx, [scope.companyId]);
      // Deleted between the lookup and now: same answer as any other failed log-in.
      if (!user || !company) return null;
      return { user, company, session: await this.open(tx, scope, client) };
    });
    if (!opened) return { ...INVALID_CREDENTIALS };
    return this.payload(opened.session, opened.user, { role: membership.role, company: opened.company });
  }

  /** Writes a session inside the caller's tenant transaction (sign-up opens one atomically). */
  async open(tx: TenantTx, scope: { companyId: string; userId: string }, client: ClientInfo): Promise<OpenedSession> {
    const refresh = newRefreshToken();
    const id = randomUUID();
    await insertSession(tx, {
      id,
      companyId: scope.companyId,
      userId: scope.userId,
      refreshTokenHash: refresh.hash,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
      expiresAt: new Date(Date.now() + this.deps.refreshTokenTtlSeconds * 1000),
    });
    return { id, refreshToken: refresh.token };
  }

  /** Signs the access token for a committed session. */
  async payload(session: OpenedSession, user: UserRecord, membership: { role: Role; company: CompanyMapper }): Promise<AuthPayloadResult> {
    const access = await this.deps.tokens.issue({
      userId: user.id,
      companyId: membership.company.id,
      role: membership.role,
      sessionId: session.id,
    });
    return {
      __typename: 'AuthPayload',
      accessToken: access.token,
      refreshToken: session.refreshToken,
      expiresAt: access.expiresAt.toISOString(),
      user: { ...user, newSession: { role: membership.role, company: { ...membership.company, newSession: true } } },
    };
  }
}
