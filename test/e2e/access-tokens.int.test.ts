// Access tokens at the gateway against the real Auth: its JWKS over HTTP, its signing key, tokens
// from its signUp. The verifier pins algorithm, issuer, audience, type and lifetime (RFC 8725), so
// each forgery fails as `invalid` (401) for its own reason; a token whose keys cannot be fetched
// is `unavailable` (503). A subgraph (the gateway tests' `omni`) only ever sees the principal the
// gateway derived and signed, never what the client claimed.
import { randomUUID } from 'node:crypto';
import { INTERNAL_CONTEXT_HEADER, signInternalContext } from '@omni/core';
import { freePort, testConfig } from '@omni/core/testing';
import { parse } from 'graphql';
import { base64url, generateKeyPair, SignJWT, type JWK } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, createTokenVerifier, type TokenVerifier } from '../../gateway/src/auth.js';
import { OMNI_SDL } from '../../gateway/test/helpers/fixture-supergraph.js';
import { startOmniSubgraph, type OmniSubgraph } from '../../gateway/test/helpers/test-subgraphs.js';
import { authSigningKey, type AuthSigningKey } from './auth-signing-key.js';
import { startPlatform, type Account, type Platform } from './platform.js';

const WHOAMI = '{ whoami { userId companyId role requestId } }';
let omni: OmniSubgraph;
let platform: Platform;
let db: pg.Pool;
/** A gateway whose AUTH_JWKS_URL points where nothing listens. */
let withoutKeys: number;
/** Read only: the verifier tests forge variations of its token and change nothing in its company. */
let owner: Account;
let key: AuthSigningKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  omni = await startOmniSubgraph(testConfig());
  platform = await startPlatform({ extraSubgraphs: [{ name: 'omni', url: omni.url, typeDefs: parse(OMNI_SDL) }] });
  withoutKeys = await platform.addGateway({ AUTH_JWKS_URL: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json` });
  db = new pg.Pool({ connectionString: platform.config.database.ownerUrl, max: 2 });
  owner = await platform.signUp();
  key = await authSigningKey(db, owner.token);
  // Exactly as createGateway builds its verifier.
  const { gateway, auth } = platform.config;
  verifier = createTokenVerifier({ jwksUrl: gateway.jwksUrl, issuer: auth.issuer, audience: auth.audience, maxTokenAgeSeconds: auth.accessTokenTtlSeconds });
});
afterAll(async () => {
  await db?.end();
  await platform?.stop();
  await omni?.stop();
});

/** The owner's token's claims with `overrides` (undefined removes a claim), signed by Auth's key. */
function token(overrides: Record<string, unknown> = {}, header?: { typ?: string }): Promise<string> {
  const payload: Record<string, unknown> = { ...key.claims, ...overrides };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return key.sign(payload, header);
}

/** Why the verifier refused: its reason, and jose's error code when jose refused. */
async function rejection(jwt: string): Promise<string> {
  const error = await verifier.verify(jwt).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const { reason, cause } = error as AuthenticationError;
  const code = (cause as { code?: string } | undefined)?.code;
  return code ? `${reason}:${code}` : reason;
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
const claimFailed = 'invalid:ERR_JWT_CLAIM_VALIDATION_FAILED';

describe('the gateway token verifier, against Auth’s JWKS', () => {
  it('accepts a token Auth issued, and the same claims signed with Auth’s key (the control for the forgeries)', async () => {
    const expected = { userId: owner.userId, companyId: owner.companyId, role: 'OWNER', sessionId: key.claims['sid'], version: 1 };
    expect(await verifier.verify(owner.token)).toEqual(expected);
    expect(await verifier.verify(await token())).toEqual(expected);
    expect((await verifier.verify(await token({ ver: undefined }))).version).toBeNull();
  });

  it('rejects alg "none" and HS256 keyed with Auth’s public key (algorithm confusion)', async () => {
    expect(await rejection(`${encode({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${encode(key.claims)}.`)).toBe('invalid:ERR_JOSE_ALG_NOT_ALLOWED');
    const { keys } = (await (await fetch(`${platform.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const publicJwk = keys.find((k) => k.kid === key.kid)!;
    for (const secret of [base64url.decode(publicJwk.x!), new TextEncoder().encode(JSON.stringify(publicJwk))]) {
      const forged = await new SignJWT(key.claims).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' }).sign(secret);
      expect(await rejection(forged)).toBe('invalid:ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('rejects a wrong issuer, a wrong audience and a missing audience', async () => {
    expect(await rejection(await token({ iss: 'https://evil.example/auth' }))).toBe(claimFailed);
    expect(await rejection(await token({ aud: 'another-api' }))).toBe(claimFailed);
    expect(await rejection(await token({ aud: undefined }))).toBe(claimFailed);
  });

  it('rejects an expired token and one issued too long ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await token({ iat: now - 3600, exp: now - 60 }))).toBe('invalid:ERR_JWT_EXPIRED');
    expect(await rejection(await token({ iat: now - 7200, exp: now + 600 }))).toBe('invalid:ERR_JWT_EXPIRED');
  });

  it('rejects a key id the JWKS does not have, and Auth’s kid on another key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    for (const [kid, code] of [['unknown-kid', 'ERR_JWKS_NO_MATCHING_KEY'], [key.kid, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED']] as const) {
      const forged = await new SignJWT(key.claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(privateKey);
      expect(await rejection(forged), kid).toBe(`invalid:${code}`);
    }
  });

  it('rejects other token types (e.g. a refresh or ID token) and missing claims', async () => {
    expect(await rejection(await token({}, { typ: 'JWT' }))).toBe(claimFailed);
    for (const claim of ['sub', 'cid', 'role', 'sid', 'jti', 'exp', 'iat']) {
      expect(await rejection(await token({ [claim]: undefined })), claim).toBe(claimFailed);
    }
  });

  it('rejects claims that do not identify a membership and session', async () => {
    for (const claims of [{ role: 'SUPERUSER' }, { sub: 'not-a-uuid' }, { cid: 42 }, { sid: 'session-1' }, { ver: '2' }]) {
      expect(await rejection(await token(claims)), JSON.stringify(claims)).toBe('invalid');
    }
  });

  it('rejects garbage and a tampered payload', async () => {
    expect(await rejection('not.a.jwt')).toMatch(/^invalid/);
    const [header, , signature] = owner.token.split('.');
    expect(await rejection(`${header}.${encode({ ...key.claims, cid: randomUUID() })}.${signature}`)).toBe('invalid:ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('reports unreachable keys as unavailable, not as a bad token', async () => {
    const { auth } = platform.config;
    const offline = createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`,
      issuer: auth.issuer,
      audience: auth.audience,
      maxTokenAgeSeconds: auth.accessTokenTtlSeconds,
    });
    const error = await offline.verify(owner.token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('unavailable');
  });
});

describe('tokens through the gateway', () => {
  it('forwards the verified principal and ignores client-sent identity headers', async () => {
    const account = await platform.signUp();
    const forgedContext = await signInternalContext(
      { principal: { kind: 'user', userId: randomUUID(), companyId: randomUUID(), role: 'OWNER', sessionId: randomUUID(), modules: [] }, requestId: 'forged', client: { ip: null, userAgent: null } },
      { secret: 'not-the-gateway-secret-but-long-enough-000', subgraph: 'omni', operation: { query: WHOAMI }, ttlSeconds: 60 },
    );
    const { body } = await platform.graphql(WHOAMI, {
      token: account.token,
      headers: {
        [INTERNAL_CONTEXT_HEADER]: forgedContext,
        'x-user-id': randomUUID(),
        'x-company-id': randomUUID(),
        'x-roles': 'OWNER',
        cookie: 'session=abc',
        'apollo-federation-include-trace': 'ftv1',
      },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.['whoami']).toMatchObject({ userId: account.userId, companyId: account.companyId, role: 'OWNER' });

    const seen = omni.seen.at(-1)!;
    for (const header of ['authorization', 'x-user-id', 'x-company-id', 'x-roles', 'cookie', 'apollo-federation-include-trace']) {
      expect(seen[header], header).toBeUndefined();
    }
    expect(seen[INTERNAL_CONTEXT_HEADER]).toBeTypeOf('string');
    expect(seen[INTERNAL_CONTEXT_HEADER]).not.toBe(forgedContext);
  });

  it.each([
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token for another audience', () => token({ aud: 'another-api' })],
  ])('answers 401 UNAUTHENTICATED for %s signed by Auth’s key, never anonymous', async (_name, forge) => {
    const before = omni.seen.length;
    const { status, headers, body } = await platform.graphql(WHOAMI, { token: await forge() });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(omni.seen.length).toBe(before);
  });

  it('serves Auth’s public keys at /.well-known/jwks.json with a cache header, 503 when Auth’s keys are unreachable', async () => {
    const served = await fetch(`${platform.gatewayUrl}/.well-known/jwks.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('public, max-age=60');
    const { keys } = (await served.json()) as { keys: JWK[] };
    expect(keys).toEqual(((await (await fetch(`${platform.authUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys);
    expect(keys.map((k) => k.kid)).toContain(key.kid);
    expect(keys.every((k) => !('d' in k))).toBe(true);
    const unavailable = await fetch(`${platform.gatewayUrls[withoutKeys]}/.well-known/jwks.json`);
    expect(unavailable.status).toBe(503);
    await unavailable.body?.cancel();
  });

  it('answers 503 (not 401) to a token it cannot check because the keys are unreachable', async () => {
    const account = await platform.signUp();
    const { status, body } = await platform.graphql(WHOAMI, { token: account.token, gateway: withoutKeys });
    expect(status).toBe(503);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('INTERNAL');
    // The control: the same token through a gateway that can fetch Auth's keys.
    expect((await platform.graphql(WHOAMI, { token: account.token })).status).toBe(200);
  });
});
