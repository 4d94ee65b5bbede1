// Inputs of the second-factor operations. A code is either a 6-digit TOTP or a recovery code;
// anything else is refused before any lookup, naming the field.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../common/fields.js';
import { RECOVERY_CODE_PATTERN } from './recovery-codes.js';

const TOTP_CODE = /^\d{6}$/;
/** base64url of 32 random bytes. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A code from the authenticator app: exactly six digits (spaces ignored, as apps show "123 456"). */
export const totpCode = z
  .string()
  .transform((value) => value.replace(/\s/g, ''))
  .pipe(z.string().regex(TOTP_CODE, 'must be the 6-digit code from the authenticator app'));

/** A TOTP code or, instead, one of the recovery codes. */
export const secondFactorCode = z
  .string()
  .transform((value) => value.replace(/\s/g, ''))
  .refine((value) => TOTP_CODE.test(value) || RECOVERY_CODE_PATTERN.test(value), 'must be a 6-digit code or a recovery code (xxxxx-xxxxx)');

export const verifyMfaInputSchema = z.object({
  challenge: z.string().regex(CHALLENGE, 'must be the challenge logIn returned'),
  code: secondFactorCode,
});

export const confirmTotpInputSchema = z.object({ code: totpCode });

export const disableTotpInputSchema = z.object({
  password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
  code: secondFactorCode,
});

export const regenerateRecoveryCodesInputSchema = z.object({ code: secondFactorCode });

export type VerifyMfaInput = z.output<typeof verifyMfaInputSchema>;
export type DisableTotpInput = z.output<typeof disableTotpInputSchema>;

/** True when a (valid) second-factor code is a TOTP code rather than a recovery code. */
export const isTotpCode = (code: string) => TOTP_CODE.test(code);
