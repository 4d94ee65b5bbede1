// Field rules shared by several inputs, so sign-up and log-in agree on what an email is.
import { z } from 'zod';

export const EMAIL_MAX_LENGTH = 254;
/** Upper bound on passwords: hashing cost grows with length, so longer ones are refused unhashed. */
export const PASSWORD_MAX_LENGTH = 128;

/** Trimmed and lower-cased before the checks: emails are stored and compared that way. */
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email('must be a valid email address'));

export function displayName(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`);
}
