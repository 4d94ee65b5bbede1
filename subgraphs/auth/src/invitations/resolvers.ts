// Thin: parse input, call the service, return its result. Rules live in service.ts and acceptance.ts.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { acceptInvitationInputSchema, inviteMemberInputSchema, revokeInvitationInputSchema } from './validation.js';

export const invitationResolvers: Resolvers = {
  Query: {
    pendingInvitations: (_parent, args, ctx) => ctx.auth.invitations.listPending(ctx, args),
  },
  Mutation: {
    inviteMember: async (_parent, { input }, ctx) => {
      const parsed = parseInput(inviteMemberInputSchema, input);
      return parsed.ok ? ctx.auth.invitations.invite(ctx, parsed.value) : parsed.failure;
    },
    revokeInvitation: async (_parent, { input }, ctx) => {
      const parsed = parseInput(revokeInvitationInputSchema, input);
      return parsed.ok ? ctx.auth.invitations.revoke(ctx, parsed.value.id) : parsed.failure;
    },
    acceptInvitation: async (_parent, { input }, ctx) => {
      const parsed = parseInput(acceptInvitationInputSchema, input);
      return parsed.ok ? ctx.auth.invitationAcceptance.accept(ctx, parsed.value) : parsed.failure;
    },
  },
  Invitation: {
    // Null once the inviter has left the company (row-level security hides them) or for API keys.
    invitedBy: (invitation, _args, ctx) => (invitation.invitedById ? ctx.auth.accounts.userById(ctx, invitation.invitedById) : null),
    createdAt: (invitation) => invitation.createdAt.toISOString(),
    expiresAt: (invitation) => invitation.expiresAt.toISOString(),
  },
};
