// Checks a second-factor code for a user whose TOTP is on, and uses it up in the same
// transaction: a TOTP code by advancing the last used step, a recovery code by marking it used.
// Both are conditional UPDATEs, so a code can win at most once even under concurrency.
import type { SecretBox, TenantTx } from '@omni/core';
import { hashRecoveryCode } from './recovery-codes.js';
import { advanceTotpStep, useRecoveryCode, type SecondFactorState } from './repository.js';
import { matchTotpStep } from './totp.js';
import { isTotpCode } from './validation.js';

export type SecondFactorCheck = { ok: true; method: 'totp' | 'recoveryCode' } | { ok: false };

export async function useSecondFactor(
  tx: TenantTx,
  box: SecretBox,
  state: SecondFactorState,
  code: string,
  nowMs = Date.now(),
): Promise<SecondFactorCheck> {
  if (!state.totpEnabledAt || !state.totpSecret) return { ok: false };
  if (isTotpCode(code)) {
    const step = await matchTotpStep(box.decrypt(state.totpSecret), code, state.totpLastStep, nowMs);
    return step !== null && (await advanceTotpStep(tx, state.id, step)) ? { ok: true, method: 'totp' } : { ok: false };
  }
  return (await useRecoveryCode(tx, state.id, hashRecoveryCode(code))) ? { ok: true, method: 'recoveryCode' } : { ok: false };
}
