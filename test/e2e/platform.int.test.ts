// End to end through the gateway: sign-up, log-in and `me` against the real Auth subgraph,
// PostgreSQL and Redis, plus the trust boundary between the gateway and the subgraphs.
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from './platform.js';

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken user { id email role company { id name } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;
const LOG_IN = /* GraphQL */ `
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      __typename
      ... on AuthPayload { accessToken user { id } }
      ... on UserError { code message }
    }
  }
`;
const ME = /* GraphQL */ `{ me { id email name role company { id name } } }`;

interface AuthResult {
  __typename: string;
  accessToken?: string;
  refreshToken?: string;
  code?: string;
  message?: string;
  fields?: Array<{ field: string; message: string }>;
  user?: { id: string; email: string; role: string; company: { id: string; name: string } };
}

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

function newAccount() {
  const tag = randomUUID().slice(0, 8);
  return { companyName: `Company ${tag}`, name: `Owner ${tag}`, email: `owner-${tag}@example.test`, password: `password-${tag}-long` };
}

async function signUp(input = newAccount()) {
  const { body } = await platform.graphql<{ signUp: AuthResult }>(SIGN_UP, { variables: { input } });
  return { input, result: body.data?.signUp as AuthResult };
}

describe('the platform through the gateway', () => {
  it('signs up, logs in and answers me for the token’s company', async () => {
    const { input, result } = await signUp();
    expect(result.__typename).toBe('AuthPayload');
    expect(result.user).toMatchObject({ email: input.email, role: 'OWNER', company: { name: input.companyName } });

    const login = await platform.graphql<{ logIn: AuthResult }>(LOG_IN, { variables: { input: { email: input.email.toUpperCase(), password: input.password } } });
    expect(login.body.data?.logIn.__typename).toBe('AuthPayload');

    const me = await platform.graphql<{ me: AuthResult['user'] & { name: string } }>(ME, { token: login.body.data?.logIn.accessToken as string });
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data?.me).toEqual({ id: result.user?.id, email: input.email, name: input.name, role: 'OWNER', company: result.user?.company });
  });

  it('issues EdDSA access tokens that verify against the gateway’s JWKS', async () => {
    const { result } = await signUp();
    const token = result.accessToken as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    const jwks = createRemoteJWKSet(new URL(`${platform.gatewayUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, {
      algorithms: ['EdDSA'],
      issuer: platform.config.auth.issuer,
      audience: platform.config.auth.audience,
    });
    expect(payload).toMatchObject({ sub: result.user?.id, cid: result.user?.company.id, role: 'OWNER' });
    expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(900);
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const { input } = await signUp();
    const wrongPassword = await platform.graphql(LOG_IN, { variables: { input: { email: input.email, password: 'not-the-password-1' } } });
    const unknownEmail = await platform.graphql(LOG_IN, { variables: { input: { email: `nobody-${randomUUID()}@example.test`, password: 'not-the-password-1' } } });
    expect(wrongPassword.status).toBe(unknownEmail.status);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.data?.['logIn']).toMatchObject({ __typename: 'InvalidCredentials', code: 'INVALID_CREDENTIALS' });
  });

  it('names every invalid field and writes nothing', async () => {
    const input = { companyName: ' ', name: 'x'.repeat(201), email: 'not-an-email', password: 'short' };
    const { result } = await signUp(input);
    expect(result.__typename).toBe('ValidationFailed');
    expect(result.code).toBe('VALIDATION_FAILED');
    expect(result.fields?.map((f) => f.field).sort()).toEqual(['input.companyName', 'input.email', 'input.name', 'input.password']);
    const retry = await signUp({ ...newAccount(), email: 'not-an-email' });
    expect(retry.result.__typename).toBe('ValidationFailed');
  });

  it('rejects an anonymous me and a forged token', async () => {
    const anonymous = await platform.graphql(ME);
    expect(anonymous.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const forged = await platform.graphql(ME, { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('ignores identity headers sent by the client', async () => {
    const a = await signUp();
    const b = await signUp();
    const me = await platform.graphql<{ me: { id: string; company: { id: string } } }>(ME, {
      token: a.result.accessToken as string,
      headers: { 'x-company-id': b.result.user?.company.id as string, 'x-user-id': b.result.user?.id as string, 'x-omni-context': 'forged' },
    });
    expect(me.body.data?.me).toMatchObject({ id: a.result.user?.id, company: { id: a.result.user?.company.id } });
  });

  it('keeps the subgraph closed to callers other than the gateway', async () => {
    for (const query of ['{ _service { sdl } }', ME, '{ _entities(representations: [{ __typename: "User", id: "x" }]) { __typename } }']) {
      const response = await fetch(`${platform.authUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(response.status, query).toBe(401);
    }
  });

  it('reports ready and exposes metrics', async () => {
    const ready = await fetch(`${platform.gatewayUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', 'subgraph:auth': 'ok' } });
    await platform.graphql(ME);
    const metrics = await (await fetch(`${platform.gatewayUrl}/metrics`)).text();
    expect(metrics).toContain('omni_graphql_operation_duration_seconds');
    expect(metrics).toContain('omni_gateway_subgraph_fetch_duration_seconds');
    expect(metrics).toMatch(/omni_graphql_errors_total\{[^}]*code="UNAUTHENTICATED"/);
  });
});
