// Shield rules of the second-factor operations (schema/mfa.graphql), spread into permissions.ts.
// Enrolment and its changes belong to people (an API key gets FORBIDDEN); verifyMfa is public
// because the challenge from logIn plus the code are the credential.
import { AppError, isPublic, isUser, rule, type RuleTree, type ShieldRule } from '@omni/core';
import type { SubgraphContext } from '../context.js';

const fields = (names: string[], rule: ShieldRule) => Object.fromEntries(names.map((name) => [name, rule]));

/**
 * The user object is the caller: the signed-in person, or the user of a session this very request
 * opened (newSession, see mappers.ts). Depends on the parent, so never cached across objects.
 */
const isThisUser = rule('isThisUser', { cache: 'no_cache' })((parent: { id?: string; newSession?: unknown }, _args, ctx: SubgraphContext) => {
  if (parent?.newSession) return true;
  const principal = ctx.principal;
  if (!principal) return new AppError('UNAUTHENTICATED');
  return principal.kind === 'user' && principal.userId === parent?.id ? true : new AppError('FORBIDDEN');
});

export const mfaPermissions = {
  Mutation: {
    verifyMfa: isPublic,
    enrollTotp: isUser,
    confirmTotp: isUser,
    disableTotp: isUser,
    regenerateRecoveryCodes: isUser,
  },
  /** Fields this feature adds to User. */
  User: {
    totpEnabled: isThisUser,
  },
  types: {
    // Answers to public mutations (logIn, verifyMfa), shown to whoever called them.
    MfaRequired: fields(['challenge', 'expiresAt'], isPublic),
    InvalidMfaCode: fields(['code', 'message'], isPublic),
    TotpEnrollment: fields(['secret', 'otpauthUri', 'qrCodeDataUrl'], isUser),
    RecoveryCodes: fields(['codes'], isUser),
    TotpDisabled: fields(['disabledAt', 'otherSessionsRevoked'], isUser),
    TotpAlreadyEnabled: fields(['code', 'message'], isUser),
    TotpNotEnrolled: fields(['code', 'message'], isUser),
    TotpNotEnabled: fields(['code', 'message'], isUser),
  } satisfies RuleTree,
};
