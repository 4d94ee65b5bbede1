// Thin: parse input, call the service, return its result. Rules live in the services.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { changePasswordInputSchema, logInInputSchema, refreshSessionInputSchema, sessionIdSchema } from './validation.js';

export const sessionResolvers: Resolvers = {
  Query: {
    sessions: (_parent, _args, ctx) => ctx.auth.sessionManagement.list(ctx),
  },
  Mutation: {
    logIn: async (_parent, { input }, ctx) => {
      const parsed = parseInput(logInInputSchema, input);
      return parsed.ok ? ctx.auth.sessions.logIn(parsed.value, ctx.client) : parsed.failure;
    },
    refreshSession: async (_parent, { input }, ctx) => {
      const parsed = parseInput(refreshSessionInputSchema, input);
      return parsed.ok ? ctx.auth.refresh.refresh(parsed.value, ctx.client) : parsed.failure;
    },
    revokeSession: async (_parent, { id }, ctx) => {
      const parsed = parseInput(sessionIdSchema, id, 'id');
      return parsed.ok ? ctx.auth.sessionManagement.revoke(ctx, parsed.value) : parsed.failure;
    },
    logOut: (_parent, _args, ctx) => ctx.auth.sessionManagement.logOut(ctx),
    changePassword: async (_parent, { input }, ctx) => {
      const parsed = parseInput(changePasswordInputSchema, input);
      return parsed.ok ? ctx.auth.passwordChange.change(ctx, parsed.value) : parsed.failure;
    },
  },
};
