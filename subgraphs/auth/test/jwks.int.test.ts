// The JWKS route's key window: active keys and keys retired less than one access-token lifetime
// ago verify; older retired keys are gone. Keys are inserted directly (random kids) and removed
// afterwards; only non-retired keys ever sign, so other tests are unaffected.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startAuth, type AuthHarness } from './harness.js';

let auth: AuthHarness;
const kids = { recent: `test-${randomBytes(8).toString('hex')}`, old: `test-${randomBytes(8).toString('hex')}` };

beforeAll(async () => {
  // Re-read the keys on every JWKS request: the keys below are inserted after the service started.
  auth = await startAuth({ keys: { jwksMaxAgeMs: 0 } });
  const ttl = auth.config.auth.accessTokenTtlSeconds;
  for (const [kid, retiredSecondsAgo] of [[kids.recent, ttl / 2], [kids.old, ttl + 60]] as const) {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    await auth.sql(
      `INSERT INTO "SigningKey" (kid, alg, "publicJwk", "privateJwk", "createdAt", "retiredAt")
       VALUES ($1, 'EdDSA', $2, $3, now() - interval '1 day', now() - make_interval(secs => $4))`,
      [kid, await exportJWK(publicKey), await exportJWK(privateKey), retiredSecondsAgo],
    );
  }
});

afterAll(async () => {
  await auth?.sql('DELETE FROM "SigningKey" WHERE kid = ANY($1)', [Object.values(kids)]);
  await auth?.close();
});

test('publishes keys retired within one access-token lifetime, not older ones', async () => {
  const response = await fetch(`${auth.baseUrl}/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
  const published = keys.map((k) => k.kid);
  expect(published).toContain(kids.recent);
  expect(published).not.toContain(kids.old);
  expect(keys.every((k) => !('d' in k))).toBe(true);
});
