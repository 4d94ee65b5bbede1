// Auth's real signing key, for tests that need a token Auth's key signed but with claims Auth
// would never issue (expired, another audience, a session Auth does not know). The private half is
// read from the SigningKey table with the owner role: test access to real data, not a fake issuer.
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
  const { rows } = await db.query<{ privateJwk: JWK }>('SELECT "privateJwk" FROM "SigningKey" WHERE kid = $1', [kid]);
  if (!rows[0]) throw new Error(`no signing key ${kid}`);
  const privateKey = await importJWK(rows[0].privateJwk, 'EdDSA');
  return {
    kid,
    claims: decodeJwt(token),
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: header.typ ?? 'at+jwt' }).sign(privateKey),
  };
}
