// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { logInInputSchema } from './validation.js';

export const sessionResolvers: Resolvers = {
  Mutation: {
    logIn: async (_parent, { input }, ctx) => {
      const parsed = parseInput(logInInputSchema, input);
      return parsed.ok ? ctx.auth.sessions.logIn(parsed.value, ctx.client) : parsed.failure;
    },
  },
};
