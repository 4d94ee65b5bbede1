// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { signUpInputSchema } from './validation.js';

export const accountResolvers: Resolvers = {
  Query: {
    me: (_parent, _args, ctx) => ctx.auth.accounts.me(ctx),
  },
  Mutation: {
    signUp: async (_parent, { input }, ctx) => {
      const parsed = parseInput(signUpInputSchema, input);
      return parsed.ok ? ctx.auth.accounts.signUp(parsed.value, ctx.client) : parsed.failure;
    },
  },
  User: {
    __resolveReference: (reference, ctx) => ctx.auth.accounts.userById(ctx, reference.id),
    // A user just signed in carries its new session's view; everyone else is seen from the token's company.
    role: (user, _args, ctx) => user.newSession?.role ?? ctx.auth.accounts.roleOf(ctx, user.id),
    company: (user, _args, ctx) => user.newSession?.company ?? ctx.auth.accounts.sessionCompany(ctx),
  },
  Company: {
    __resolveReference: (reference, ctx) => ctx.auth.accounts.companyById(ctx, reference.id),
  },
};
