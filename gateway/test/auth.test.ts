// Access-token verification against a real JWKS over HTTP (jose's remote key set), with tokens
// forged the ways RFC 8725 warns about. Every forgery must fail as `invalid` (HTTP 401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, SignJWT } from 'jose';
import { AuthenticationError, bearerToken, createTokenVerifier, type TokenVerifier } from '../src/auth.js';
import { freePort } from '@omni/core/testing';
import { AUDIENCE, generateSigningKey, ISSUER, startTokenIssuer, type TokenIssuer } from './helpers/token-issuer.js';

let issuer: TokenIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  issuer = await startTokenIssuer();
  verifier = createTokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: ISSUER, audience: AUDIENCE, maxTokenAgeSeconds: 900 });
});
afterAll(() => issuer.close());

/** Why the verifier refused: its reason, and jose's error code when jose refused. */
async function rejection(token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const { reason, cause } = error as AuthenticationError;
  const code = (cause as { code?: string } | undefined)?.code;
  return code ? `${reason}:${code}` : reason;
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('createTokenVerifier', () => {
  it('accepts a valid token and reads its identifying claims', async () => {
    const claims = issuer.claims();
    const verified = await verifier.verify(await issuer.token(claims));
    expect(verified).toEqual({ userId: claims.sub, companyId: claims.cid, role: 'MEMBER', sessionId: claims.sid, version: null });
    expect((await verifier.verify(await issuer.token({ ...claims, ver: 3 }))).version).toBe(3);
  });

  it('rejects alg "none"', async () => {
    const unsigned = `${encode({ alg: 'none', typ: 'at+jwt', kid: issuer.key.kid })}.${encode(issuer.claims())}.`;
    expect(await rejection(unsigned)).toBe('invalid:ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const secret = base64url.decode(issuer.key.publicJwk.x!);
    const forged = await new SignJWT(issuer.claims())
      .setProtectedHeader({ alg: 'HS256', kid: issuer.key.kid, typ: 'at+jwt' })
      .sign(secret);
    expect(await rejection(forged)).toBe('invalid:ERR_JOSE_ALG_NOT_ALLOWED');
    const withJwkText = await new SignJWT(issuer.claims())
      .setProtectedHeader({ alg: 'HS256', kid: issuer.key.kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk)));
    expect(await rejection(withJwkText)).toBe('invalid:ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('rejects a wrong issuer, a wrong audience and a missing audience', async () => {
    const claimFailed = 'invalid:ERR_JWT_CLAIM_VALIDATION_FAILED';
    expect(await rejection(await issuer.token({ iss: 'https://evil.example/auth' }))).toBe(claimFailed);
    expect(await rejection(await issuer.token({ aud: 'another-api' }))).toBe(claimFailed);
    expect(await rejection(await issuer.token({ aud: undefined }))).toBe(claimFailed);
  });

  it('rejects an expired token and one issued too long ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await issuer.token({ iat: now - 3600, exp: now - 60 }))).toBe('invalid:ERR_JWT_EXPIRED');
    expect(await rejection(await issuer.token({ iat: now - 7200, exp: now + 600 }))).toBe('invalid:ERR_JWT_EXPIRED');
  });

  it('rejects a key id the JWKS does not have, and the right kid with another key', async () => {
    const stranger = await generateSigningKey('unknown-kid');
    expect(await rejection(await issuer.token({}, { key: stranger }))).toBe('invalid:ERR_JWKS_NO_MATCHING_KEY');
    const impostor = await generateSigningKey(issuer.key.kid);
    expect(await rejection(await issuer.token({}, { key: impostor }))).toBe('invalid:ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('rejects other token types (e.g. a refresh or ID token) and missing claims', async () => {
    expect(await rejection(await issuer.token({}, { typ: 'JWT' }))).toBe('invalid:ERR_JWT_CLAIM_VALIDATION_FAILED');
    for (const claim of ['sub', 'cid', 'role', 'sid', 'jti', 'exp', 'iat']) {
      expect(await rejection(await issuer.token({ [claim]: undefined })), claim).toBe('invalid:ERR_JWT_CLAIM_VALIDATION_FAILED');
    }
  });

  it('rejects claims that do not identify a membership and session', async () => {
    expect(await rejection(await issuer.token({ role: 'SUPERUSER' }))).toBe('invalid');
    expect(await rejection(await issuer.token({ sub: 'not-a-uuid' }))).toBe('invalid');
    expect(await rejection(await issuer.token({ cid: 42 }))).toBe('invalid');
    expect(await rejection(await issuer.token({ sid: 'session-1' }))).toBe('invalid');
    expect(await rejection(await issuer.token({ ver: '2' }))).toBe('invalid');
  });

  it('rejects garbage and a tampered payload', async () => {
    expect(await rejection('not.a.jwt')).toMatch(/^invalid/);
    const [header, , signature] = (await issuer.token()).split('.');
    const tampered = `${header}.${encode({ ...issuer.claims(), role: 'OWNER' })}.${signature}`;
    expect(await rejection(tampered)).toBe('invalid:ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('reports unreachable keys as unavailable, not as a bad token', async () => {
    const closedPort = await freePort();
    const offline = createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${closedPort}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: AUDIENCE,
      maxTokenAgeSeconds: 900,
    });
    const error = await offline.verify(await issuer.token()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).reason).toBe('unavailable');
  });
});

describe('bearerToken', () => {
  it('is null without a header and the token with one', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('treats any other present header as an invalid credential, not as anonymous', () => {
    for (const header of ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'abc.def.ghi']) {
      expect(() => bearerToken(header), JSON.stringify(header)).toThrow(AuthenticationError);
    }
  });
});
