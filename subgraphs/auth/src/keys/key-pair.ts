// Key material for access-token signing: Ed25519 (EdDSA), one algorithm per key (RFC 8725 §3.1).
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { NewSigningKey } from './repository.js';

export const SIGNING_ALGORITHM = 'EdDSA';

/** A fresh Ed25519 key pair with a random kid; only the JWK members that matter are stored. */
export async function generateSigningKey(): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid: randomBytes(16).toString('base64url'),
    alg: SIGNING_ALGORITHM,
    publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x } as Record<string, string>,
    privateJwk: { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, d: privateJwk.d } as Record<string, string>,
  };
}
