// A stand-in for the Auth subgraph's signing side: a locally generated Ed25519 key, its JWKS
// served by a real HTTP server on 127.0.0.1, and access tokens in the Auth contract's shape.
// The gateway's verifier talks to it exactly as it talks to Auth (jose's remote JWKS over HTTP).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://omni.test/auth';
export const AUDIENCE = 'omni-test-api';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function generateSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

export interface TokenIssuer {
  jwksUrl: string;
  key: SigningKey;
  /** A valid access token; `claims` override or (with undefined) remove claims. */
  token(claims?: Record<string, unknown>, options?: { key?: SigningKey; typ?: string }): Promise<string>;
  /** Standard claims of a valid token, for building forged ones by hand. */
  claims(): JWTPayload & Record<string, unknown>;
  /** Requests the JWKS endpoint has served. */
  jwksRequests(): number;
  /** Claims of every token issued, by session id (what the Auth stand-in knows to exist). */
  issued: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const key = await generateSigningKey();
  let requests = 0;
  const issued = new Map<string, Record<string, unknown>>();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const claims = () => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: randomUUID(),
      cid: randomUUID(),
      role: 'MEMBER',
      sid: randomUUID(),
      jti: randomUUID(),
      iat: now,
      exp: now + 900,
    };
  };

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    key,
    claims,
    async token(overrides = {}, options = {}) {
      const signer = options.key ?? key;
      const payload: Record<string, unknown> = { ...claims(), ...overrides };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      if (typeof payload['sid'] === 'string') issued.set(payload['sid'], payload);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: options.typ ?? 'at+jwt' })
        .sign(signer.privateKey);
    },
    jwksRequests: () => requests,
    issued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
