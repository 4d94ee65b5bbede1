// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { AppError } from '@omni/core';
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { changeMemberRoleInputSchema, removeMemberInputSchema } from './validation.js';

export const memberResolvers: Resolvers = {
  Query: {
    members: (_parent, args, ctx) => ctx.auth.members.list(ctx, args),
  },
  Mutation: {
    changeMemberRole: async (_parent, { input }, ctx) => {
      const parsed = parseInput(changeMemberRoleInputSchema, input);
      return parsed.ok ? ctx.auth.members.changeRole(ctx, parsed.value) : parsed.failure;
    },
    removeMember: async (_parent, { input }, ctx) => {
      const parsed = parseInput(removeMemberInputSchema, input);
      return parsed.ok ? ctx.auth.members.remove(ctx, parsed.value.userId) : parsed.failure;
    },
    leaveCompany: (_parent, _args, ctx) => ctx.auth.members.leave(ctx),
  },
  Member: {
    // Batched with every other user of the operation; a member is always visible to its company.
    user: async (member, _args, ctx) => {
      const user = await ctx.auth.accounts.userById(ctx, member.userId);
      if (!user) throw new AppError('NOT_FOUND');
      return user;
    },
    joinedAt: (member) => member.createdAt.toISOString(),
  },
};
