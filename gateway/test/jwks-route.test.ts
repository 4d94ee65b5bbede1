// The gateway's copy of the Auth JWKS: cached, deduplicated, public members only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache } from '../src/jwks-route.js';

const publicKey = { kty: 'OKP', crv: 'Ed25519', x: 'pub', kid: 'k1', alg: 'EdDSA', use: 'sig' };
const privateKey = { ...publicKey, kid: 'k2', d: 'secret' };
const symmetricKey = { kty: 'oct', k: 'secret', kid: 'k3' };

let server: Server;
let url: string;
let requests = 0;
let status = 200;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicKey, privateKey, symmetricKey] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createJwksCache', () => {
  it('serves only public keys, fetches once per minute and once for concurrent callers', async () => {
    let now = 1_000_000;
    const cache = createJwksCache(url, () => now);
    requests = 0;
    const results = await Promise.all([cache.keys(), cache.keys(), cache.keys()]);
    expect(results[0]).toEqual([publicKey]);
    expect(requests).toBe(1);
    now += 59_000;
    await cache.keys();
    expect(requests).toBe(1);
    now += 2_000;
    await cache.keys();
    expect(requests).toBe(2);
  });

  it('fails (the route answers 503) when Auth answers an error and nothing fresh is cached', async () => {
    status = 500;
    try {
      await expect(createJwksCache(url).keys()).rejects.toThrow(/HTTP 500/);
    } finally {
      status = 200;
    }
  });
});
