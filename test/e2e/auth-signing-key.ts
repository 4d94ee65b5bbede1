// Auth's real signing key, for tests that need a token Auth's key signed but with claims Auth
// would never issue (expired, another audience, a session Auth does not know). The private half is
// read from the SigningKey table with the owner role: test access to real data, not a fake issuer.
import { SecretBox, type Prisma } from '@omni/core';
import { openPrivateJwk } from '../../subgraphs/auth/src/keys/repository.js';
import { testConfig } from '@omni/core/testing';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type pg from 'pg';

export interface AuthSigningKey {
  kid: string;
  /** The claims of the token the key was found by: a valid starting point for variations. */
  claims: JWTPayload & Record<string, unknown>;
  /** Signs `claims` as Auth does (EdDSA, this kid, typ at+jwt unless given). */
  sign(claims: Record<string, unknown>, header?: { typ?: string }): Promise<string>;
}

/** The key that signed `token` (one Auth just issued), looked up by its kid. */
export async function authSigningKey(db: pg.Pool, token: string): Promise<AuthSigningKey> {
  const kid = decodeProtectedHeader(token).kid;
  if (typeof kid !== 'string') throw new Error('token without kid');
  const { rows } = await db.query<{ privateJwk: Prisma.JsonValue }>('SELECT "privateJwk" FROM "SigningKey" WHERE kid = $1', [kid]);
  if (!rows[0]) throw new Error(`no signing key ${kid}`);
  // Stored sealed with the data key (the test configuration's).
  const jwk = openPrivateJwk(new SecretBox(testConfig().dataEncryptionKey), rows[0].privateJwk) as JWK;
  const privateKey = await importJWK(jwk, 'EdDSA');
  return {
    kid,
    claims: decodeJwt(token),
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: header.typ ?? 'at+jwt' }).sign(privateKey),
  };
}
