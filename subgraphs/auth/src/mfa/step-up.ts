// The second factor again, for a sensitive change by a signed-in person (changePassword): when
// their TOTP is on, the change also needs a current TOTP code or an unused recovery code. The code
// is checked and used up by useSecondFactor, exactly as in verifyMfa, inside the change's own
// transaction, so a code is accepted at most once whichever operation presents it. Each code
// counts against the same 'verifyMfa' limits (per user and IP) as the other second-factor checks.
import type { ClientInfo, SecretBox, TenantTx, UserPrincipal } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import { findSecondFactorState } from './repository.js';
import { mfaCodeRequired, type InvalidMfaCodeResult } from './results.js';
import { useSecondFactor } from './second-factor.js';

export interface SecondFactorStepUpDeps {
  box: SecretBox;
  limits: Pick<AbuseLimits, 'check' | 'fail' | 'succeed'>;
}

/** One attempt at a change behind the second factor; see SecondFactorStepUp.begin. */
export interface StepUp {
  /**
   * Call in the change's transaction before it writes anything. True when the person's TOTP is
   * off, or when the code was right and is now used up (a recovery code is audited as used);
   * false, having written nothing, otherwise: the change must then answer invalidMfaCode().
   */
  prove(tx: TenantTx): Promise<boolean>;
  /** After the change committed: the person's failed codes start again from zero. */
  succeeded(): Promise<void>;
  /** After prove answered false. */
  failed(): Promise<void>;
}

export class SecondFactorStepUp {
  constructor(private readonly deps: SecondFactorStepUpDeps) {}

  /**
   * Starts an attempt for `principal`, whose TOTP was on or off when read before the change.
   * With TOTP on, a missing code is answered at once (no guess, so nothing is counted), and a code
   * is counted as an attempt first: RATE_LIMITED while the person or the IP is locked out.
   */
  async begin(principal: UserPrincipal, client: ClientInfo, totpEnabled: boolean, code: string | undefined): Promise<StepUp | InvalidMfaCodeResult> {
    const { box, limits } = this.deps;
    const keys = { account: principal.userId, ip: client.ip };
    if (totpEnabled && code === undefined) return mfaCodeRequired();
    const counted = totpEnabled && code !== undefined;
    if (counted) await limits.check('verifyMfa', keys);
    return {
      async prove(tx) {
        const state = await findSecondFactorState(tx, principal.userId);
        if (!state?.totpEnabledAt) return true;
        // Turned on since it was read: the code, if any, was not counted yet, so it is not tried.
        if (!counted || code === undefined) return false;
        const check = await useSecondFactor(tx, box, state, code);
        if (!check.ok) return false;
        if (check.method === 'recoveryCode') {
          await recordAudit(tx, principal.companyId, { action: 'RECOVERY_CODE_USED', actor: principal, target: { type: 'User', id: state.id }, client });
        }
        return true;
      },
      async succeeded() {
        if (counted) await limits.succeed('verifyMfa', keys);
      },
      async failed() {
        await limits.fail('verifyMfa', keys);
      },
    };
  }
}
