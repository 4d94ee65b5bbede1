// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { requestPasswordResetInputSchema, resetPasswordInputSchema } from './validation.js';

export const passwordResetResolvers: Resolvers = {
  Mutation: {
    requestPasswordReset: async (_parent, { input }, ctx) => {
      const parsed = parseInput(requestPasswordResetInputSchema, input);
      return parsed.ok ? ctx.auth.passwordReset.request(parsed.value, ctx.client) : parsed.failure;
    },
    resetPassword: async (_parent, { input }, ctx) => {
      const parsed = parseInput(resetPasswordInputSchema, input);
      return parsed.ok ? ctx.auth.passwordReset.reset(parsed.value, ctx.client) : parsed.failure;
    },
  },
};
