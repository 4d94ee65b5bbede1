// Shield rules of the password-reset operations (schema/password-reset.graphql), spread into
// permissions.ts. Both are public: whoever resets has no session, and the emailed token is the
// credential. Their answers are shown to whoever called.
import { isPublic, type RuleTree } from '@omni/core';

export const passwordResetPermissions = {
  Mutation: {
    requestPasswordReset: isPublic,
    resetPassword: isPublic,
  },
  types: {
    PasswordResetRequested: { message: isPublic },
    PasswordResetCompleted: { message: isPublic },
    InvalidResetToken: { code: isPublic, message: isPublic },
  } satisfies RuleTree,
};
