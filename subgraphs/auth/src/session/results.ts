// The typed results of the session operations (schema/sessions.graphql), as resolvers return them.

export interface InvalidRefreshTokenResult {
  __typename: 'InvalidRefreshToken';
  code: 'UNAUTHENTICATED';
  message: string;
}

/** One answer for every refresh that fails: unknown, malformed, rotated, expired or revoked. */
export function invalidRefreshToken(): InvalidRefreshTokenResult {
  return { __typename: 'InvalidRefreshToken', code: 'UNAUTHENTICATED', message: 'The refresh token is not valid. Sign in again.' };
}

export interface SessionView {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}

export interface SessionRevokedResult {
  __typename: 'SessionRevoked';
  id: string;
}

export interface SessionNotFoundResult {
  __typename: 'SessionNotFound';
  code: 'NOT_FOUND';
  message: string;
}

/** The same for a random id, another user's session and another company's session. */
export function sessionNotFound(): SessionNotFoundResult {
  return { __typename: 'SessionNotFound', code: 'NOT_FOUND', message: 'No such session.' };
}

export interface LoggedOutResult {
  __typename: 'LoggedOut';
  sessionId: string;
}

export interface PasswordChangedResult {
  __typename: 'PasswordChanged';
  ok: true;
  otherSessionsRevoked: number;
}
