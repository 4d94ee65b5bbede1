// How hard each guarded action is limited. Per IP: every call counts (aliases included), in a
// fixed window. Per account: attempts since the last success; reaching `failuresBeforeLockout`
// locks the account out for a period that doubles with each lockout of the day.
export type LimitedAction = 'logIn' | 'verifyMfa' | 'passwordReset' | 'acceptInvitation';

export interface LimitPolicy {
  /** Calls one IP may make per `ipWindowSeconds`. */
  ipPoints: number;
  ipWindowSeconds: number;
  /** Consecutive failures (attempts without a success) before the account is locked out. */
  failuresBeforeLockout: number;
  /** First lockout; each further lockout within `lockoutMemorySeconds` doubles it, up to the max. */
  lockoutBaseSeconds: number;
  lockoutMaxSeconds: number;
  /** How long failures and the lockout count are remembered. */
  lockoutMemorySeconds: number;
}

const FIFTEEN_MINUTES = 15 * 60;
const ONE_DAY = 24 * 60 * 60;

const ACCOUNT_LOCKOUT = {
  failuresBeforeLockout: 5,
  lockoutBaseSeconds: 60,
  lockoutMaxSeconds: 60 * 60,
  lockoutMemorySeconds: ONE_DAY,
} as const;

export const DEFAULT_POLICIES: Record<LimitedAction, LimitPolicy> = {
  logIn: { ipPoints: 50, ipWindowSeconds: FIFTEEN_MINUTES, ...ACCOUNT_LOCKOUT },
  verifyMfa: { ipPoints: 30, ipWindowSeconds: FIFTEEN_MINUTES, ...ACCOUNT_LOCKOUT },
  passwordReset: { ipPoints: 20, ipWindowSeconds: FIFTEEN_MINUTES, ...ACCOUNT_LOCKOUT },
  acceptInvitation: { ipPoints: 30, ipWindowSeconds: FIFTEEN_MINUTES, ...ACCOUNT_LOCKOUT },
};
