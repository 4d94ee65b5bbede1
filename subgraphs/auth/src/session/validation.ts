// Log-in input. Only the upper bounds matter for safety (hashing cost); a too-short password is
// simply wrong, and answering it as such keeps one answer for every failed attempt.
import { z } from 'zod';
import { email, PASSWORD_MAX_LENGTH } from '../common/fields.js';

export const logInInputSchema = z.object({
  email,
  password: z
    .string()
    .min(1, 'must not be empty')
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

export type LogInInput = z.output<typeof logInInputSchema>;
