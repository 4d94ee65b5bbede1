// Inputs of the invitation operations. The company is always the caller's own (invite, revoke)
// or the one the token names (accept), never a client-chosen value.
import { ROLES } from '@omni/core';
import { z } from 'zod';
import { displayName, email, PASSWORD_MAX_LENGTH } from '../common/fields.js';
import { PASSWORD_MIN_LENGTH } from '../account/validation.js';

export const invitationCursorSchema = z.object({ t: z.iso.datetime(), i: z.uuid() });

export const inviteMemberInputSchema = z.object({ email, role: z.enum(ROLES) });
export type InviteMemberInput = z.output<typeof inviteMemberInputSchema>;

export const revokeInvitationInputSchema = z.object({ id: z.uuid('must be an invitation id') });

/** Name and password are for a new account only; when given they are checked like signUp's. */
export const acceptInvitationInputSchema = z.object({
  // Longer than any token we issue, short enough that hashing it costs nothing.
  token: z.string().min(1, 'must not be empty').max(200, 'is not an invitation token'),
  name: displayName(200).nullish(),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
    .nullish(),
});
export type AcceptInvitationInput = z.output<typeof acceptInvitationInputSchema>;
