// Fixtures for the session tests (refresh, sessions, password change): the operations, and
// readers for what they wrote (rows as the owner role, live principal state in Redis).
import { createHash } from 'node:crypto';
import { createRedis, principalStateKeys, type Redis, type UserPrincipal } from '@omni/core';
import { callLogIn, principalFrom, type AuthHarness, type AuthPayload, type AuthResult, type GraphQLResponse } from './harness.js';

export const REFRESH_SESSION = /* GraphQL */ `
  mutation Refresh($input: RefreshSessionInput!) {
    refreshSession(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken expiresAt user { id email role company { id } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const SESSIONS = /* GraphQL */ `
  query Sessions { sessions { id userAgent ip createdAt lastUsedAt expiresAt current } }
`;

export const REVOKE_SESSION = /* GraphQL */ `
  mutation Revoke($id: ID!) {
    revokeSession(id: $id) {
      __typename
      ... on SessionRevoked { id }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const LOG_OUT = /* GraphQL */ `
  mutation LogOut { logOut { __typename ... on LoggedOut { sessionId } } }
`;

export const CHANGE_PASSWORD = /* GraphQL */ `
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on PasswordChanged { ok otherSessionsRevoked }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export interface SessionResult extends Omit<AuthResult, '__typename'> {
  __typename: AuthResult['__typename'] | 'InvalidRefreshToken' | 'SessionRevoked' | 'SessionNotFound' | 'LoggedOut' | 'PasswordChanged';
  id?: string;
  sessionId?: string;
  ok?: boolean;
  otherSessionsRevoked?: number;
}

export async function refresh(auth: AuthHarness, refreshToken: unknown): Promise<SessionResult | undefined> {
  const response = await auth.call<{ refreshSession: SessionResult }>(REFRESH_SESSION, { input: { refreshToken } });
  if (response.errors) throw new Error(`refreshSession failed: ${JSON.stringify(response.errors)}`);
  return response.data?.refreshSession;
}

/** The person principal the gateway derives from an access token. */
export async function personFrom(auth: AuthHarness, accessToken: string): Promise<UserPrincipal> {
  const principal = await principalFrom(auth, accessToken);
  if (principal.kind !== 'user') throw new Error('not a person');
  return principal;
}

/** Logs in and returns the payload with the principal the gateway would derive from it. */
export async function logIn(auth: AuthHarness, credentials: { email: string; password: string }): Promise<AuthPayload & { principal: UserPrincipal }> {
  const response = await callLogIn(auth, { email: credentials.email, password: credentials.password });
  const result = response.data?.logIn;
  if (result?.__typename !== 'AuthPayload') throw new Error(`log-in failed: ${JSON.stringify(response)}`);
  const payload = result as AuthPayload;
  return { ...payload, principal: await personFrom(auth, payload.accessToken) };
}

export const codesOf = (response: GraphQLResponse<unknown>) => response.errors?.map((e) => e.extensions?.['code']);

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionRow {
  id: string;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export async function sessionRow(auth: AuthHarness, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await auth.sql<SessionRow>('SELECT id, "revokedAt", "revokedReason" FROM "Session" WHERE id = $1', [sessionId]);
  return row;
}

export async function refreshTokensOf(auth: AuthHarness, sessionId: string) {
  return auth.sql<{ tokenHash: string; rotatedAt: Date | null }>('SELECT "tokenHash", "rotatedAt" FROM "RefreshToken" WHERE "sessionId" = $1', [sessionId]);
}

/** Audit events of a company with the given action, oldest first. */
export async function auditOf(auth: AuthHarness, companyId: string, action: string) {
  return auth.sql<{ actorUserId: string | null; targetId: string | null; metadata: Record<string, unknown> }>(
    'SELECT "actorUserId", "targetId", metadata FROM "AuditEvent" WHERE "companyId" = $1 AND action = $2 ORDER BY "createdAt", id',
    [companyId, action],
  );
}

/** Reads the live session state the gateway reads. */
export class SessionStates {
  private readonly redis: Redis;
  constructor(auth: AuthHarness) {
    this.redis = createRedis(auth.config.redis.url, 'session-tests');
  }
  async of(sessionId: string): Promise<unknown> {
    const raw = await this.redis.get(principalStateKeys.session(sessionId));
    return raw === null ? null : JSON.parse(raw);
  }
  close(): void {
    this.redis.disconnect();
  }
}
