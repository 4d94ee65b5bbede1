// changePassword: proves the current password, stores the new hash, and ends every other session
// of the person, in every company they belong to (RFC 9700: revoke refresh tokens on a password
// change), so whoever knew the old password loses the sessions it opened. The session making the
// change stays signed in.
import { AppError, type Database, type Logger, type RequestContext, type TenantTx, type UserPrincipal } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { callingPerson } from './person.js';
import { findMyCompanyIds, findPasswordAccount, replacePasswordHash } from './repository.js';
import type { PasswordChangedResult } from './results.js';
import { publishRevoked, revokeAndRecord } from './revocation.js';
import type { InvalidCredentialsResult } from './service.js';
import type { ChangePasswordInput } from './validation.js';

export interface PasswordChangeDeps {
  database: Database;
  hasher: PasswordHasher;
  limits: Pick<AbuseLimits, 'check' | 'fail' | 'succeed'>;
  state: PrincipalStatePublisher;
  logger: Logger;
}

export class PasswordChangeService {
  constructor(private readonly deps: PasswordChangeDeps) {}

  async change(ctx: RequestContext, input: ChangePasswordInput): Promise<PasswordChangedResult | InvalidCredentialsResult> {
    const { hasher, limits } = this.deps;
    const principal = callingPerson(ctx);
    const account = await ctx.db.run((tx) => findPasswordAccount(tx, principal.userId));
    if (!account) throw new AppError('NOT_FOUND');
    // A wrong current password is a password guess: it counts against the same per-account
    // lockout as log-in, so a stolen access token is no unlimited guessing oracle.
    const keys = { account: account.email, ip: ctx.client.ip };
    await limits.check('logIn', keys);
    if (!(await hasher.verify(account.passwordHash, input.currentPassword))) {
      await limits.fail('logIn', keys);
      return invalidCredentials();
    }
    await limits.succeed('logIn', keys);
    const newHash = await hasher.hash(input.newPassword);

    const here = await ctx.db.run(async (tx) => {
      // Conditional on the hash just verified: of two concurrent changes, the second finds the
      // password already changed and is answered like a wrong current password.
      if (!(await replacePasswordHash(tx, principal.userId, account.passwordHash, newHash))) return null;
      const revoked = await this.revokeOthers(ctx, principal, principal.companyId)(tx);
      await recordAudit(tx, principal.companyId, {
        action: 'PASSWORD_CHANGED',
        actor: principal,
        target: { type: 'User', id: principal.userId },
        client: ctx.client,
      });
      return revoked;
    });
    if (!here) return invalidCredentials();
    const revoked = [...here, ...(await this.revokeInOtherCompanies(ctx, principal))];
    await publishRevoked(this.deps.state, revoked, this.deps.logger);
    return { __typename: 'PasswordChanged', ok: true, otherSessionsRevoked: revoked.length };
  }

  /**
   * After the new password is committed (no session can be opened with the old one any more),
   * each other company in its own tenant scope.
   */
  private async revokeInOtherCompanies(ctx: RequestContext, principal: UserPrincipal): Promise<string[]> {
    const companyIds = await ctx.db.run((tx) => findMyCompanyIds(tx));
    const revoked: string[] = [];
    for (const companyId of companyIds.filter((id) => id !== principal.companyId)) {
      revoked.push(...(await this.deps.database.withTenant({ companyId, userId: principal.userId }, this.revokeOthers(ctx, principal, companyId))));
    }
    return revoked;
  }

  private revokeOthers(ctx: RequestContext, principal: UserPrincipal, companyId: string) {
    return (tx: TenantTx) =>
      revokeAndRecord(tx, companyId, { userId: principal.userId, exceptId: principal.sessionId }, 'PASSWORD_CHANGED', {
        action: 'SESSION_REVOKED',
        actor: principal,
        client: ctx.client,
      });
  }
}

function invalidCredentials(): InvalidCredentialsResult {
  return { __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: 'The current password is wrong.' };
}
