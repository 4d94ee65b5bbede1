// Turning the second factor on and off for the signed-in person. Every change that needs a code
// goes through the 'verifyMfa' abuse limits (per user and IP), since each attempt is a guess at
// the user's second factor; turning it off also needs the password, with one answer for either
// being wrong, and ends every other session of the person in every company (as a password
// change does), so whoever got in before the reset is signed out.
import { AppError, type ClientInfo, type Database, type Logger, type SecretBox, type TenantTx, type UserPrincipal } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { changeAndEndSessionsEverywhere } from '../session/revocation.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { disableTotp, enableTotp, findSecondFactorState, replaceRecoveryCodes, savePendingSecret, type SecondFactorState } from './repository.js';
import * as results from './results.js';
import { useSecondFactor } from './second-factor.js';
import { describeEnrollment, matchTotpStep, newTotpSecret } from './totp.js';
import type { DisableTotpInput } from './validation.js';

export interface TotpServiceDeps {
  database: Database;
  hasher: PasswordHasher;
  /** Seals TOTP secrets at rest (config.dataEncryptionKey). */
  box: SecretBox;
  limits: AbuseLimits;
  /** Tells the gateways about the sessions disable ends. */
  state: PrincipalStatePublisher;
  logger: Logger;
}

export class TotpService {
  constructor(private readonly deps: TotpServiceDeps) {}

  /** A new pending secret (replacing any earlier pending one); TOTP stays off until confirmTotp. */
  async enroll(principal: UserPrincipal): Promise<results.TotpEnrollmentResult | results.TotpAlreadyEnabledResult> {
    const secret = newTotpSecret();
    const email = await this.inUserScope(principal, async (tx, state) => {
      if (state.totpEnabledAt) return null;
      return (await savePendingSecret(tx, state.id, this.deps.box.encrypt(secret))) ? state.email : null;
    });
    if (email === null) return results.totpAlreadyEnabled();
    return { __typename: 'TotpEnrollment', ...(await describeEnrollment(secret, email)) };
  }

  /** Turns the pending secret on with a code from it, and hands out the recovery codes once. */
  async confirm(principal: UserPrincipal, client: ClientInfo, code: string) {
    return this.limited(principal, client, () => this.inUserScope(principal, (tx, state) => this.confirmIn(tx, principal, client, state, code)));
  }

  /**
   * Turns TOTP off with the password and a code, and ends every other session of the person in
   * every company: a session opened by someone who had both factors must not outlive the reset.
   */
  async disable(principal: UserPrincipal, client: ClientInfo, input: DisableTotpInput) {
    return this.limited(principal, client, async () => {
      const { userId, companyId, sessionId } = principal;
      const { result, revoked } = await changeAndEndSessionsEverywhere(
        this.deps,
        { userId, companyId, keepSessionId: sessionId, reason: 'MFA_DISABLED', actor: principal, client },
        (tx) => this.withState(tx, principal, (state) => this.disableIn(tx, principal, client, state, input)),
        (outcome) => outcome.__typename === 'TotpDisabled',
      );
      return result.__typename === 'TotpDisabled' ? { ...result, otherSessionsRevoked: revoked.length } : result;
    });
  }

  private async disableIn(tx: TenantTx, principal: UserPrincipal, client: ClientInfo, state: SecondFactorState, input: DisableTotpInput) {
    if (!state.totpEnabledAt) return results.totpNotEnabled();
    // Password first: a wrong one must not use up the code.
    if (!(await this.deps.hasher.verify(state.passwordHash, input.password))) return results.invalidPasswordOrCode();
    if (!(await useSecondFactor(tx, this.deps.box, state, input.code)).ok) return results.invalidPasswordOrCode();
    await disableTotp(tx, state.id);
    await recordAudit(tx, principal.companyId, { action: 'MFA_DISABLED', actor: principal, target: { type: 'User', id: state.id }, client });
    return { __typename: 'TotpDisabled' as const, disabledAt: new Date().toISOString() };
  }

  /** New recovery codes for a second-factor code; the old ones stop working. */
  async regenerateRecoveryCodes(principal: UserPrincipal, client: ClientInfo, code: string) {
    return this.limited(principal, client, () =>
      this.inUserScope(principal, async (tx, state) => {
        if (!state.totpEnabledAt) return results.totpNotEnabled();
        if (!(await useSecondFactor(tx, this.deps.box, state, code)).ok) return results.invalidMfaCode();
        const codes = await this.newCodes(tx, state.id);
        await recordAudit(tx, principal.companyId, {
          action: 'MFA_ENROLLED',
          actor: principal,
          target: { type: 'User', id: state.id },
          client,
          metadata: { recoveryCodesRegenerated: true },
        });
        return { __typename: 'RecoveryCodes' as const, codes };
      }),
    );
  }

  private async confirmIn(tx: TenantTx, principal: UserPrincipal, client: ClientInfo, state: SecondFactorState, code: string) {
    if (state.totpEnabledAt) return results.totpAlreadyEnabled();
    if (!state.totpSecret) return results.totpNotEnrolled();
    const step = await matchTotpStep(this.deps.box.decrypt(state.totpSecret), code, null);
    if (step === null) return results.invalidMfaCode();
    if (!(await enableTotp(tx, state.id, state.totpSecret, step))) return results.totpNotEnrolled();
    const codes = await this.newCodes(tx, state.id);
    await recordAudit(tx, principal.companyId, { action: 'MFA_ENROLLED', actor: principal, target: { type: 'User', id: state.id }, client });
    return { __typename: 'RecoveryCodes' as const, codes };
  }

  private async newCodes(tx: TenantTx, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode));
    return codes;
  }

  /**
   * Runs a code-checking change under the abuse limits: a wrong code or password counts as a
   * failure; only a change actually made resets the user's failures (not, say, a CONFLICT answer,
   * which would let a guesser wipe the count between guesses). A failed check writes nothing.
   */
  private async limited<R extends { __typename: string }>(principal: UserPrincipal, client: ClientInfo, attempt: () => Promise<R>): Promise<R> {
    const keys = { account: principal.userId, ip: client.ip };
    await this.deps.limits.check('verifyMfa', keys);
    const result = await attempt();
    if (result.__typename === 'InvalidMfaCode' || result.__typename === 'InvalidCredentials') await this.deps.limits.fail('verifyMfa', keys);
    if (result.__typename === 'RecoveryCodes' || result.__typename === 'TotpDisabled') await this.deps.limits.succeed('verifyMfa', keys);
    return result;
  }

  private inUserScope<T>(principal: UserPrincipal, work: (tx: TenantTx, state: SecondFactorState) => Promise<T>): Promise<T> {
    return this.deps.database.withTenant({ companyId: principal.companyId, userId: principal.userId }, (tx) =>
      this.withState(tx, principal, (state) => work(tx, state)),
    );
  }

  private async withState<T>(tx: TenantTx, principal: UserPrincipal, work: (state: SecondFactorState) => Promise<T>): Promise<T> {
    const state = await findSecondFactorState(tx, principal.userId);
    // The principal was verified moments ago; a missing row means the account was just deleted.
    if (!state) throw new AppError('UNAUTHENTICATED');
    return work(state);
  }
}
