// The typed answers of the second-factor operations (schema/mfa.graphql), built in one place so
// every path gives exactly the same body for the same failure.
import type { ErrorCode } from '@omni/core';

export interface MfaRequiredResult {
  __typename: 'MfaRequired';
  challenge: string;
  expiresAt: string;
}

export interface TotpEnrollmentResult {
  __typename: 'TotpEnrollment';
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export interface RecoveryCodesResult {
  __typename: 'RecoveryCodes';
  codes: string[];
}

export interface TotpDisabledResult {
  __typename: 'TotpDisabled';
  disabledAt: string;
  otherSessionsRevoked: number;
}

type Failure<Name extends string, Code extends ErrorCode> = { __typename: Name; code: Code; message: string };

export type InvalidMfaCodeResult = Failure<'InvalidMfaCode', 'INVALID_CREDENTIALS'>;
export type InvalidCredentialsResult = Failure<'InvalidCredentials', 'INVALID_CREDENTIALS'>;
export type TotpAlreadyEnabledResult = Failure<'TotpAlreadyEnabled', 'CONFLICT'>;
export type TotpNotEnrolledResult = Failure<'TotpNotEnrolled', 'CONFLICT'>;
export type TotpNotEnabledResult = Failure<'TotpNotEnabled', 'CONFLICT'>;

export const invalidMfaCode = (): InvalidMfaCodeResult => ({
  __typename: 'InvalidMfaCode',
  code: 'INVALID_CREDENTIALS',
  message: 'The code is wrong or was used already, or the challenge has expired.',
});

/** changePassword with TOTP on and no code: the same type, telling the client what to ask for. */
export const mfaCodeRequired = (): InvalidMfaCodeResult => ({
  __typename: 'InvalidMfaCode',
  code: 'INVALID_CREDENTIALS',
  message: 'Two-factor authentication is on: a code from the authenticator app or a recovery code is required.',
});

/** disableTotp: one answer whether the password or the code was wrong (no password oracle). */
export const invalidPasswordOrCode = (): InvalidCredentialsResult => ({
  __typename: 'InvalidCredentials',
  code: 'INVALID_CREDENTIALS',
  message: 'The password or the code is wrong.',
});

export const totpAlreadyEnabled = (): TotpAlreadyEnabledResult => ({
  __typename: 'TotpAlreadyEnabled',
  code: 'CONFLICT',
  message: 'Two-factor authentication is already on. Turn it off first to enrol a new authenticator.',
});

export const totpNotEnrolled = (): TotpNotEnrolledResult => ({
  __typename: 'TotpNotEnrolled',
  code: 'CONFLICT',
  message: 'There is no pending enrolment to confirm. Call enrollTotp first.',
});

export const totpNotEnabled = (): TotpNotEnabledResult => ({
  __typename: 'TotpNotEnabled',
  code: 'CONFLICT',
  message: 'Two-factor authentication is not on.',
});
