// Shield rules of the session operations (schema/sessions.graphql), spread into permissions.ts.
// Sessions and passwords belong to people: an API key gets FORBIDDEN. Refreshing is public
// because the refresh token itself is the credential.
import { isPublic, isUser, type RuleTree, type ShieldRule } from '@omni/core';

const fields = (names: string[], rule: ShieldRule) => Object.fromEntries(names.map((name) => [name, rule]));

export const sessionPermissions = {
  Query: {
    sessions: isUser,
  },
  Mutation: {
    refreshSession: isPublic,
    revokeSession: isUser,
    logOut: isUser,
    changePassword: isUser,
  },
  types: {
    Session: fields(['id', 'userAgent', 'ip', 'createdAt', 'lastUsedAt', 'expiresAt', 'current'], isUser),
    // The answer to a public mutation, shown to whoever called it.
    InvalidRefreshToken: fields(['code', 'message'], isPublic),
    SessionRevoked: fields(['id'], isUser),
    SessionNotFound: fields(['code', 'message'], isUser),
    LoggedOut: fields(['sessionId'], isUser),
    PasswordChanged: fields(['ok', 'otherSessionsRevoked'], isUser),
  } satisfies RuleTree,
};
