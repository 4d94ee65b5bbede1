// Inputs of log-in and the session operations. Only the upper bounds matter for safety (hashing
// cost, lookups); a too-short log-in password is simply wrong, and answering it as such keeps one
// answer for every failed attempt.
import { z } from 'zod';
import { PASSWORD_MIN_LENGTH } from '../account/validation.js';
import { email, PASSWORD_MAX_LENGTH } from '../common/fields.js';
import { secondFactorCode } from '../mfa/validation.js';

const password = z
  .string()
  .min(1, 'must not be empty')
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const logInInputSchema = z.object({ email, password });

export type LogInInput = z.output<typeof logInInputSchema>;

/** Refresh tokens are 68 characters; anything much longer is not worth parsing. */
const REFRESH_TOKEN_MAX_LENGTH = 256;

export const refreshSessionInputSchema = z.object({
  refreshToken: z
    .string()
    .min(1, 'must not be empty')
    .max(REFRESH_TOKEN_MAX_LENGTH, `must be at most ${REFRESH_TOKEN_MAX_LENGTH} characters`),
});

export type RefreshSessionInput = z.output<typeof refreshSessionInputSchema>;

export const sessionIdSchema = z.uuid('must be a session id');

export const changePasswordInputSchema = z
  .object({
    currentPassword: password,
    newPassword: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
    /** Needed when the caller's TOTP is on; GraphQL may send null for "none". */
    totpCode: secondFactorCode.nullish().transform((code) => code ?? undefined),
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ['newPassword'],
    message: 'must differ from the current password',
  });

export type ChangePasswordInput = z.output<typeof changePasswordInputSchema>;
