// Inputs of the member operations. Only the member and the role can be chosen: the company is
// always the caller's own (from the verified principal), so it cannot be mass-assigned.
import { ROLES } from '@omni/core';
import { z } from 'zod';

export const memberCursorSchema = z.object({ t: z.iso.datetime(), u: z.uuid() });

const userId = z.uuid('must be a user id');

export const changeMemberRoleInputSchema = z.object({ userId, role: z.enum(ROLES) });
export type ChangeMemberRoleInput = z.output<typeof changeMemberRoleInputSchema>;

export const removeMemberInputSchema = z.object({ userId });
export type RemoveMemberInput = z.output<typeof removeMemberInputSchema>;
