// Sign-up input. The schema lists only what a caller may choose: company id, user id and role
// are decided by the server (the new user is always OWNER), so they cannot be mass-assigned.
import { z } from 'zod';
import { displayName, email, PASSWORD_MAX_LENGTH } from '../common/fields.js';

export const PASSWORD_MIN_LENGTH = 12;

export const signUpInputSchema = z.object({
  companyName: displayName(200),
  name: displayName(200),
  email,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export type SignUpInput = z.output<typeof signUpInputSchema>;
