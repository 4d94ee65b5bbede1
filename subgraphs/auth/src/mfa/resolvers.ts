// Thin: parse input, call the service, return its result. Rules live in service.ts and
// verification.ts; shield (permissions.ts) has already required a person for all but verifyMfa.
import { requirePrincipal, AppError, type UserPrincipal } from '@omni/core';
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { confirmTotpInputSchema, disableTotpInputSchema, regenerateRecoveryCodesInputSchema, verifyMfaInputSchema } from './validation.js';

/** The signed-in person (shield's isUser already refused API keys; this narrows the type). */
function person(ctx: Parameters<typeof requirePrincipal>[0]): UserPrincipal {
  const principal = requirePrincipal(ctx);
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
  return principal;
}

export const mfaResolvers: Resolvers = {
  Mutation: {
    verifyMfa: async (_parent, { input }, ctx) => {
      const parsed = parseInput(verifyMfaInputSchema, input);
      return parsed.ok ? ctx.auth.mfa.verifier.verify(parsed.value, ctx.client) : parsed.failure;
    },
    enrollTotp: (_parent, _args, ctx) => ctx.auth.mfa.totp.enroll(person(ctx)),
    confirmTotp: async (_parent, { input }, ctx) => {
      const parsed = parseInput(confirmTotpInputSchema, input);
      return parsed.ok ? ctx.auth.mfa.totp.confirm(person(ctx), ctx.client, parsed.value.code) : parsed.failure;
    },
    disableTotp: async (_parent, { input }, ctx) => {
      const parsed = parseInput(disableTotpInputSchema, input);
      return parsed.ok ? ctx.auth.mfa.totp.disable(person(ctx), ctx.client, parsed.value) : parsed.failure;
    },
    regenerateRecoveryCodes: async (_parent, { input }, ctx) => {
      const parsed = parseInput(regenerateRecoveryCodesInputSchema, input);
      return parsed.ok ? ctx.auth.mfa.totp.regenerateRecoveryCodes(person(ctx), ctx.client, parsed.value.code) : parsed.failure;
    },
  },
  User: {
    totpEnabled: (user) => user.totpEnabledAt !== null,
  },
};
