import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  InvalidInternalContextError,
  signInternalContext,
  verifyInternalContext,
} from '../src/identity/internal-context.js';
import type { Principal } from '../src/identity/principal.js';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const principal: Principal = {
  kind: 'user',
  userId: '0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b',
  companyId: '1c7f3b5f-4d2e-4f6a-9bac-1d2e3f4a5b6c',
  role: 'ADMIN',
  sessionId: '2d8a4c6f-5e3f-4a7b-8cbd-2e3f4a5b6c7d',
  modules: ['auth', 'crm'],
};
const client = { ip: '203.0.113.7', userAgent: 'test-agent/1.0' };
const operation = { query: 'query($id: ID!) { user(id: $id) { id } }', variables: { id: '1' } };

describe('internal context', () => {
  it('round-trips the principal and request id for the subgraph and query it was signed for', async () => {
    const token = await signInternalContext({ principal, requestId: 'req-1', client }, { secret, subgraph: 'auth', operation, ttlSeconds: 30 });
    await expect(verifyInternalContext(token, { secret, subgraph: 'auth', operation })).resolves.toEqual({ principal, requestId: 'req-1', client });
  });

  it('carries anonymous callers as a null principal', async () => {
    const token = await signInternalContext({ principal: null, requestId: 'r', client }, { secret, subgraph: 'auth', operation, ttlSeconds: 30 });
    await expect(verifyInternalContext(token, { secret, subgraph: 'auth', operation })).resolves.toEqual({ principal: null, requestId: 'r', client });
  });

  it.each<[string, () => Promise<string | undefined>, object]>([
    ['missing', () => Promise.resolve(undefined), {}],
    ['another subgraph', () => signInternalContext({ principal, requestId: 'r', client }, { secret, subgraph: 'crm', operation, ttlSeconds: 30 }), {}],
    ['another query', () => signInternalContext({ principal, requestId: 'r', client }, { secret, subgraph: 'auth', operation: { ...operation, query: '{ x }' }, ttlSeconds: 30 }), {}],
    ['other variables', () => signInternalContext({ principal, requestId: 'r', client }, { secret, subgraph: 'auth', operation: { ...operation, variables: { id: '2' } }, ttlSeconds: 30 }), {}],
    ['another secret', () => signInternalContext({ principal, requestId: 'r', client }, { secret: `${secret}x`, subgraph: 'auth', operation, ttlSeconds: 30 }), {}],
  ])('rejects a context that is %s', async (_name, make) => {
    const token = await make();
    await expect(verifyInternalContext(token, { secret, subgraph: 'auth', operation })).rejects.toBeInstanceOf(InvalidInternalContextError);
  });

  it('rejects an expired context', async () => {
    const token = await new SignJWT({ principal, rid: 'r', oh: 'x' })
      .setProtectedHeader({ alg: 'HS256', typ: 'omni-internal+jwt' })
      .setIssuer('omni-gateway')
      .setAudience('omni-subgraph:auth')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expect(verifyInternalContext(token, { secret, subgraph: 'auth', operation })).rejects.toBeInstanceOf(InvalidInternalContextError);
  });

  it('rejects an unsigned (alg none) context', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'omni-internal+jwt' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ principal, iss: 'omni-gateway', aud: 'omni-subgraph:auth', exp: 9e9, iat: 1 })).toString('base64url');
    await expect(verifyInternalContext(`${header}.${body}.`, { secret, subgraph: 'auth', operation })).rejects.toBeInstanceOf(InvalidInternalContextError);
  });
});
