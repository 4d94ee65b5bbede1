// Inputs of the password-reset operations. A malformed token is not a validation error: it gets
// the same InvalidResetToken answer as an unknown, expired or used one.
import { z } from 'zod';
import { PASSWORD_MIN_LENGTH } from '../account/validation.js';
import { email, PASSWORD_MAX_LENGTH } from '../common/fields.js';

/** Far above a real token's length (~100 characters); only bounds what is hashed. */
const TOKEN_MAX_LENGTH = 512;

export const requestPasswordResetInputSchema = z.object({ email });

export type RequestPasswordResetInput = z.output<typeof requestPasswordResetInputSchema>;

export const resetPasswordInputSchema = z.object({
  token: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(TOKEN_MAX_LENGTH, `must be at most ${TOKEN_MAX_LENGTH} characters`),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export type ResetPasswordInput = z.output<typeof resetPasswordInputSchema>;
