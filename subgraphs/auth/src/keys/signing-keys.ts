// Access-token signing keys (EdDSA over Ed25519). The private halves live in the SigningKey table
// so every replica signs with the same key; the public halves are published as the JWKS, which
// the gateway uses to verify tokens.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { PrismaClient } from '@omni/core';
import { findNewestActiveKey, findVerificationKeys, insertSigningKey } from './repository.js';

export const SIGNING_ALGORITHM = 'EdDSA';

export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

export class SigningKeys {
  private active: ActiveKey | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    /** Tokens live this long, so a retired key must stay published this long after retirement. */
    private readonly accessTokenTtlSeconds: number,
  ) {}

  /**
   * Loads the newest active key, creating the first one when there is none. Two processes starting
   * at once may both create one; each key has its own random kid, both stay published, and both
   * processes then sign with whichever is newest.
   */
  async load(): Promise<ActiveKey> {
    let row = await findNewestActiveKey(this.prisma);
    if (!row) {
      await insertSigningKey(this.prisma, await generateSigningKey());
      row = await findNewestActiveKey(this.prisma);
    }
    if (!row) throw new Error('no active signing key after creating one');
    this.active = { kid: row.kid, privateKey: (await importJWK(row.privateJwk as JWK, SIGNING_ALGORITHM)) as CryptoKey };
    return this.active;
  }

  /** The key to sign with; `load()` must have completed. */
  current(): ActiveKey {
    if (!this.active) throw new Error('signing keys not loaded');
    return this.active;
  }

  /** Public keys only: members are copied one by one so a private `d` can never slip through. */
  async jwks(): Promise<JSONWebKeySet> {
    const retiredAfter = new Date(Date.now() - this.accessTokenTtlSeconds * 1000);
    const rows = await findVerificationKeys(this.prisma, retiredAfter);
    return {
      keys: rows.map(({ kid, alg, publicJwk }) => {
        const { kty, crv, x } = publicJwk as JWK;
        return { kty, crv, x, kid, alg, use: 'sig' } as JWK;
      }),
    };
  }
}

async function generateSigningKey() {
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
