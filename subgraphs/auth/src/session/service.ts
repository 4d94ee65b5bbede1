// Log-in and the sessions it opens. The rules that matter here: one answer for every failed
// log-in (unknown email, wrong password, no company), with the same hashing work on each path so
// timing does not tell them apart either; tokens are signed only after the session is committed.
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ClientInfo, type Database, type Logger, type Role, type TenantTx } from '@omni/core';
import { findCompaniesByIds, findUsersByIds } from '../account/repository.js';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import type { CompanyMapper, UserMapper, UserRecord } from '../mappers.js';
import type { LoginSecondFactor } from '../mfa/login-challenge.js';
import type { MfaRequiredResult } from '../mfa/results.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import { findLoginCandidates, findMembership, insertSession } from './repository.js';
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
  /** Membership.version at the time; signed into the access token as `ver`. */
  membershipVersion: number;
}

export interface SessionServiceDeps {
  database: Database;
  hasher: PasswordHasher;
  tokens: AccessTokenIssuer;
  refreshTokenTtlSeconds: number;
  /** Per-IP and per-account log-in limits (abuse/limits.ts). */
  limits: AbuseLimits;
  /** Decides whether a correct password still needs a second factor (mfa/login-challenge.ts). */
  secondFactor: LoginSecondFactor;
  logger: Logger;
}

const INVALID_CREDENTIALS: InvalidCredentialsResult = {
  __typename: 'InvalidCredentials',
  code: 'INVALID_CREDENTIALS',
  message: ERROR_CODES.INVALID_CREDENTIALS,
};

export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  async logIn(input: LogInInput, client: ClientInfo): Promise<AuthPayloadResult | MfaRequiredResult | InvalidCredentialsResult> {
    const { database, hasher } = this.deps;
    // Before any work: RATE_LIMITED for a locked-out email (known or not) or a too busy IP.
    const limitKeys = { account: input.email, ip: client.ip };
    await this.deps.limits.check('logIn', limitKeys);
    const candidates = await findLoginCandidates(database.prisma, input.email);
    const account = candidates[0];
    const passwordOk = account ? await hasher.verify(account.passwordHash, input.password) : await hasher.verifyDummy(input.password);
    // Until users can pick a company at log-in, the first membership is the session's company.
    const membership = candidates.find((c) => c.companyId !== null && c.role !== null);
    if (!account || !passwordOk || !membership?.companyId || !membership.role) {
      await this.deps.limits.fail('logIn', limitKeys);
      // A known account's wrong password is a security event of its (default) company. It is
      // written after the answer is decided and not awaited: waiting for a commit only on this
      // path would let response times tell known emails from unknown ones.
      if (account && !passwordOk && membership?.companyId) {
        const failed = { companyId: membership.companyId, userId: account.userId };
        void database
          .withTenant(failed, (tx) =>
            recordAudit(tx, failed.companyId, { action: 'LOGIN_FAILED', actor: { userId: failed.userId }, target: { type: 'User', id: failed.userId }, client }),
          )
          .catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not record a failed log-in'));
      }
      return { ...INVALID_CREDENTIALS };
    }
    await this.deps.limits.succeed('logIn', limitKeys);
    // With TOTP on, the password is only the first step: a challenge for verifyMfa, no tokens yet.
    const challenge = await this.deps.secondFactor.challengeFor({ userId: account.userId, companyId: membership.companyId, role: membership.role }, client);
    if (challenge) return challenge;

    const scope = { companyId: membership.companyId, userId: account.userId };
    const opened = await database.withTenant(scope, async (tx) => {
      const [user] = await findUsersByIds(tx, [scope.userId]);
      const [company] = await findCompaniesByIds(tx, [scope.companyId]);
      // Deleted between the lookup and now: same answer as any other failed log-in.
      if (!user || !company) return null;
      const session = await this.open(tx, scope, client);
      await recordAudit(tx, scope.companyId, { action: 'LOGIN_SUCCEEDED', actor: { userId: scope.userId }, target: { type: 'Session', id: session.id }, client });
      return { user, company, session };
    });
    if (!opened) return { ...INVALID_CREDENTIALS };
    return this.payload(opened.session, opened.user, { role: membership.role, company: opened.company });
  }

  /**
   * Writes a session and its first refresh token inside the caller's tenant transaction (sign-up
   * opens one atomically). The user must already be a member of the company in `tx`: the access
   * token carries the membership's version.
   */
  async open(tx: TenantTx, scope: { companyId: string; userId: string }, client: ClientInfo): Promise<OpenedSession> {
    const membership = await findMembership(tx, scope.companyId, scope.userId);
    if (!membership) throw new Error('open: the user is not a member of the company');
    const refresh = newRefreshToken(scope.companyId);
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
    return { id, refreshToken: refresh.token, membershipVersion: membership.version };
  }

  /** Signs the access token for a committed session. */
  async payload(session: OpenedSession, user: UserRecord, membership: { role: Role; company: CompanyMapper }): Promise<AuthPayloadResult> {
    const access = await this.deps.tokens.issue({
      userId: user.id,
      companyId: membership.company.id,
      role: membership.role,
      sessionId: session.id,
      membershipVersion: session.membershipVersion,
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
