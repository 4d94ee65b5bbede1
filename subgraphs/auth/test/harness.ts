// Test harness: the auth subgraph in-process on a free port, called the way the gateway calls it
// (with a signed internal context), plus a direct database connection for checking what was
// written. That connection uses the owner role, which bypasses row-level security, so tests can
// count rows in any tenant.
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { MODULES, signInternalContext, type ClientInfo, type Config, type Principal, type Role, type RunningService } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { createAuthSubgraph, SUBGRAPH_NAME, type AuthSubgraphDeps } from '../src/server.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface AuthHarness {
  config: Config;
  baseUrl: string;
  /**
   * Sends an operation as the gateway would, on behalf of `principal` (anonymous by default),
   * from `client` (127.0.0.1 by default).
   */
  call<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    principal?: Principal | null,
    client?: ClientInfo,
  ): Promise<GraphQLResponse<T>>;
  /** Runs SQL as the owner role (no row-level security). */
  sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function startAuth(deps: AuthSubgraphDeps = {}): Promise<AuthHarness> {
  const config = testConfig();
  // Abuse-limit counters per harness, so test files (and reruns) never share an IP's budget.
  const abuse = { prefix: `test:${randomUUID()}:abuse`, ...deps.abuse };
  const service: RunningService = await createAuthSubgraph(config, { ...deps, abuse });
  const port = await service.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: config.database.ownerUrl, max: 4 });

  return {
    config,
    baseUrl,
    async call<T>(query: string, variables: Record<string, unknown> = {}, principal: Principal | null = null, client?: ClientInfo) {
      const context = await signInternalContext(
        { principal, requestId: `test-${randomUUID()}`, client: client ?? { ip: '127.0.0.1', userAgent: 'auth-tests' } },
        { secret: config.internalContext.secret, subgraph: SUBGRAPH_NAME, operation: { query, variables }, ttlSeconds: 60 },
      );
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-omni-context': context },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    async sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      return (await pool.query<R>(text, values)).rows;
    },
    async close() {
      await pool.end();
      await service.stop();
    },
  };
}

/** Fresh identities per test, so tests run concurrently and never collide. */
export function uniqueSignUp(overrides: Partial<Record<'companyName' | 'name' | 'email' | 'password', string>> = {}) {
  const id = randomUUID();
  return {
    companyName: `Company ${id}`,
    name: `User ${id.slice(0, 8)}`,
    email: `user-${id}@example.test`,
    password: `pw-${id.slice(0, 12)}`,
    ...overrides,
  };
}

export const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken expiresAt user { id email name role company { id name } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const LOG_IN = /* GraphQL */ `
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken expiresAt user { id email role company { id name } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const ME = /* GraphQL */ `
  query Me { me { id email name role company { id name } } }
`;

/** Any member of SignUpResult or LogInResult, as SIGN_UP and LOG_IN select them. */
export interface AuthResult extends Partial<AuthPayload> {
  __typename: 'AuthPayload' | 'EmailAlreadyRegistered' | 'InvalidCredentials' | 'ValidationFailed';
  code?: string;
  message?: string;
  fields?: Array<{ field: string; message: string }>;
}

export function callSignUp(harness: AuthHarness, input: Record<string, unknown>) {
  return harness.call<{ signUp: AuthResult }>(SIGN_UP, { input });
}

export function callLogIn(harness: AuthHarness, input: Record<string, unknown>) {
  return harness.call<{ logIn: AuthResult }>(LOG_IN, { input });
}

/** Signs up a fresh account and returns the payload (fails the test otherwise). */
export async function signUp(harness: AuthHarness, input = uniqueSignUp()) {
  const response = await callSignUp(harness, input);
  const result = response.data?.signUp;
  if (result?.__typename !== 'AuthPayload') throw new Error(`sign-up failed: ${JSON.stringify(response)}`);
  return { input, payload: result as AuthPayload };
}

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string; email: string; name: string; role: string; company: { id: string; name: string } };
}

/** Verifies an access token against the subgraph's own JWKS route, pinned like the gateway does. */
export async function verifyAccessToken(harness: AuthHarness, token: string) {
  const jwks = createRemoteJWKSet(new URL(`${harness.baseUrl}/.well-known/jwks.json`));
  return jwtVerify(token, jwks, {
    algorithms: ['EdDSA'],
    issuer: harness.config.auth.issuer,
    audience: harness.config.auth.audience,
    typ: 'at+jwt',
    requiredClaims: ['sub', 'cid', 'role', 'sid', 'iat', 'exp', 'jti'],
  });
}

/** The principal the gateway derives from a verified access token. */
export async function principalFrom(harness: AuthHarness, token: string): Promise<Principal> {
  const { payload } = await verifyAccessToken(harness, token);
  return {
    kind: 'user',
    userId: String(payload.sub),
    companyId: String(payload['cid']),
    role: payload['role'] as Role,
    sessionId: String(payload['sid']),
    modules: [...MODULES],
  };
}
