// The typed results of the password-reset operations (schema/password-reset.graphql).

export interface PasswordResetRequestedResult {
  __typename: 'PasswordResetRequested';
  message: string;
}

/** The only answer requestPasswordReset gives, whether or not the email has an account. */
export function passwordResetRequested(): PasswordResetRequestedResult {
  return {
    __typename: 'PasswordResetRequested',
    message: 'If an account exists for this email, we have sent a link to reset its password.',
  };
}

export interface PasswordResetCompletedResult {
  __typename: 'PasswordResetCompleted';
  message: string;
}

export function passwordResetCompleted(): PasswordResetCompletedResult {
  return { __typename: 'PasswordResetCompleted', message: 'Your password has been changed. Sign in with the new password.' };
}

export interface InvalidResetTokenResult {
  __typename: 'InvalidResetToken';
  code: 'NOT_FOUND';
  message: string;
}

/** One answer for every unusable token: malformed, unknown, expired, used or superseded. */
export function invalidResetToken(): InvalidResetTokenResult {
  return { __typename: 'InvalidResetToken', code: 'NOT_FOUND', message: 'This password reset link is invalid or has expired. Request a new one.' };
}
