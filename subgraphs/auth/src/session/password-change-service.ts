// changePassword: proves the current password (and, when the person's TOTP is on, the second
// factor), stores the new hash, and ends every other session of the person, in every company they
// belong to (RFC 9700: revoke refresh tokens on a password change), so whoever knew the old
// password loses the sessions it opened. The session making the change stays signed in.
import { AppError, type Database, type Logger, type RequestContext, type UserPrincipal } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import { invalidMfaCode, type InvalidMfaCodeResult } from '../mfa/results.js';
import type { SecondFactorStepUp, StepUp } from '../mfa/step-up.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { callingPerson } from './person.js';
import { findPasswordAccount, replacePasswordHash } from './repository.js';
import type { PasswordChangedResult } from './results.js';
import { changeAndEndSessionsEverywhere } from './revocation.js';
import type { InvalidCredentialsResult } from './service.js';
import type { ChangePasswordInput } from './validation.js';

export interface PasswordChangeDeps {
  database: Database;
  hasher: PasswordHasher;
  limits: Pick<AbuseLimits, 'check' | 'fail' | 'succeed'>;
  /** The second factor, required when the person's TOTP is on (mfa/step-up.ts). */
  secondFactor: Pick<SecondFactorStepUp, 'begin'>;
  state: PrincipalStatePublisher;
  logger: Logger;
}

/** Thrown inside the transaction to roll back a code it already used up. */
class PasswordChangedMeanwhile extends Error {}

export class PasswordChangeService {
  constructor(private readonly deps: PasswordChangeDeps) {}

  async change(ctx: RequestContext, input: ChangePasswordInput): Promise<PasswordChangedResult | InvalidCredentialsResult | InvalidMfaCodeResult> {
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
    // Then the second factor, as at log-in: with TOTP on, a code is needed and each one tried
    // counts against the verifyMfa limits. Checked after the password, so a wrong password never
    // uses up a code.
    const stepUp = await this.deps.secondFactor.begin(principal, ctx.client, account.totpEnabledAt !== null, input.totpCode);
    if ('__typename' in stepUp) return stepUp;
    const newHash = await hasher.hash(input.newPassword);

    const outcome = await this.commit(ctx, principal, stepUp, account.passwordHash, newHash).catch((error: unknown) => {
      if (error instanceof PasswordChangedMeanwhile) return null;
      throw error;
    });
    if (!outcome) return invalidCredentials();
    if (outcome.result === 'wrongCode') {
      await stepUp.failed();
      return invalidMfaCode();
    }
    await stepUp.succeeded();
    return { __typename: 'PasswordChanged', ok: true, otherSessionsRevoked: outcome.revoked.length };
  }

  /** Stores the new hash and ends the person's other sessions everywhere (revocation.ts). */
  private commit(ctx: RequestContext, principal: UserPrincipal, stepUp: StepUp, currentHash: string, newHash: string) {
    const ending = {
      userId: principal.userId,
      companyId: principal.companyId,
      keepSessionId: principal.sessionId,
      reason: 'PASSWORD_CHANGED',
      actor: principal,
      client: ctx.client,
    } as const;
    return changeAndEndSessionsEverywhere(
      this.deps,
      ending,
      async (tx) => {
        // The code is used up in the same transaction as the change: both commit, or neither.
        if (!(await stepUp.prove(tx))) return 'wrongCode' as const;
        // Conditional on the hash just verified: of two concurrent changes, the second finds the
        // password already changed and is answered like a wrong current password (rolled back,
        // so a recovery code it used stays usable).
        if (!(await replacePasswordHash(tx, principal.userId, currentHash, newHash))) throw new PasswordChangedMeanwhile();
        await recordAudit(tx, principal.companyId, {
          action: 'PASSWORD_CHANGED',
          actor: principal,
          target: { type: 'User', id: principal.userId },
          client: ctx.client,
        });
        return 'changed' as const;
      },
      (result) => result === 'changed',
    );
  }
}

function invalidCredentials(): InvalidCredentialsResult {
  return { __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS', message: 'The current password is wrong.' };
}
