// Signing-key rotation without downtime, end to end: `pnpm auth:keys rotate` in another process,
// a running auth service that notices on its own, the JWKS serving old and new keys, the switch
// to the new kid after the propagation delay, automatic retirement, and the old key leaving the
// JWKS once no token it signed can be valid. Timings are shortened through the service's deps.
//
// SigningKey is a global table, and this test retires keys; it runs against a database of its
// own so the services of concurrently running tests keep their keys.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createDatabase } from '@omni/core';
import { testConfig, testEnv } from '@omni/core/testing';
import { signUp, startAuth, verifyAccessToken, type AuthHarness } from './harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const run = promisify(execFile);

const scratch = `omni_test_keys_${randomBytes(4).toString('hex')}`;
const inScratch = (url: string) => Object.assign(new URL(url), { pathname: `/${scratch}` }).href;
const base = testConfig().database;
const env = testEnv({ DATABASE_URL: inScratch(base.url), DATABASE_OWNER_URL: inScratch(base.ownerUrl) });

/** Seconds: a new key signs after PROPAGATION; an old key stays published TTL after retirement. */
const PROPAGATION = 4;
const TTL = 2;

/** Runs a repository script (tsx) against the scratch database; never throws, reports the exit code. */
async function script(file: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, file, ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const keysCommand = (...args: string[]) => script('scripts/auth-keys.ts', ...args);

let auth: AuthHarness;
/** The owner role on the scratch database (the harness's own `sql` reads the shared one). */
let scratchDb: pg.Pool;
beforeAll(async () => {
  for (const step of ['scripts/db/setup.ts', 'scripts/db/migrate.ts']) {
    const result = await script(step);
    if (result.code !== 0) throw new Error(`${step}: ${result.stderr}`);
  }
  scratchDb = new pg.Pool({ connectionString: inScratch(base.ownerUrl), max: 2 });
  auth = await startAuth({
    database: createDatabase({ ...base, url: inScratch(base.url) }),
    keys: { accessTokenTtlSeconds: TTL, clockSkewSeconds: 0, propagationDelaySeconds: PROPAGATION, reloadIntervalMs: 200, jwksMaxAgeMs: 0 },
  });
});

afterAll(async () => {
  await auth?.close();
  await scratchDb?.end();
  const admin = new pg.Client({ connectionString: base.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

async function jwksKids(): Promise<string[]> {
  const { keys } = (await (await fetch(`${auth.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return keys.map((k) => k.kid).sort();
}

async function newToken(): Promise<{ token: string; kid: string }> {
  const { payload } = await signUp(auth);
  return { token: payload.accessToken, kid: String(decodeProtectedHeader(payload.accessToken).kid) };
}

async function keyRow(kid: string) {
  const { rows } = await scratchDb.query<{ createdAt: Date; retiredAt: Date | null }>('SELECT "createdAt", "retiredAt" FROM "SigningKey" WHERE kid = $1', [kid]);
  const row = rows[0];
  if (!row) throw new Error(`no key ${kid}`);
  return row;
}

const verifies = (token: string) => verifyAccessToken(auth, token).then(() => true, () => false);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('signing-key rotation', () => {
  let first: string;
  let second: string;
  let signedBefore: string;

  test('a fresh database gets its first key, which signs at once', async () => {
    const kids = await jwksKids();
    expect(kids).toHaveLength(1);
    first = kids[0]!;
    expect((await newToken()).kid).toBe(first);
  });

  test('rotate publishes a new key at once; the old one keeps signing until the new one has propagated', async () => {
    await sleep((await keyRow(first)).createdAt.getTime() + PROPAGATION * 1000 - Date.now());
    signedBefore = (await newToken()).token;

    const rotated = await keysCommand('rotate');

    expect(rotated.code).toBe(0);
    second = /^created key (\S+): published now, signs new tokens from \S+$/m.exec(rotated.stdout)?.[1] ?? '';
    expect(second).not.toBe('');
    // The running service sees the key created by another process, without a restart.
    expect(await jwksKids()).toEqual([first, second].sort());
    expect((await newToken()).kid).toBe(first);
    expect(Date.now() - (await keyRow(second)).createdAt.getTime()).toBeLessThan(PROPAGATION * 1000);
  });

  test('after the propagation delay new tokens carry the new kid; tokens signed before still verify', async () => {
    await vi.waitFor(async () => expect((await newToken()).kid).toBe(second), { timeout: 10_000, interval: 200 });
    expect(await verifies(signedBefore)).toBe(true);
    expect(await jwksKids()).toEqual([first, second].sort());
  });

  test('the old key is retired automatically, and stays published for the token lifetime', async () => {
    await vi.waitFor(async () => expect((await keyRow(first)).retiredAt).not.toBeNull(), { timeout: 10_000, interval: 100 });
    const retiredAt = (await keyRow(first)).retiredAt!;
    // Not before the new key had signed for a token lifetime.
    expect(retiredAt.getTime()).toBeGreaterThanOrEqual((await keyRow(second)).createdAt.getTime() + (PROPAGATION + TTL) * 1000);
    if (Date.now() < retiredAt.getTime() + TTL * 1000 - 500) {
      expect(await jwksKids()).toEqual([first, second].sort());
      expect(await verifies(signedBefore)).toBe(true);
    }
  });

  test('after retirement plus the token lifetime the old key is gone from the JWKS', async () => {
    await vi.waitFor(async () => expect(await jwksKids()).toEqual([second]), { timeout: 10_000, interval: 200 });
    expect(await verifies(signedBefore)).toBe(false);
    expect((await newToken()).kid).toBe(second);
  });

  test('the key command lists keys and refuses retirements that would break signing', async () => {
    const listed = await keysCommand('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^KID\s+STATUS\s+ALG\s+CREATED\s+RETIRED$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${second}\\s+signing\\s+EdDSA\\s`, 'm'));
    expect(listed.stdout).toMatch(new RegExp(`^${first}\\s+(retired|removed)\\s+EdDSA\\s`, 'm'));

    const refusals = [
      [['retire', second], /^auth:keys: key \S+ is the only active key; run `pnpm auth:keys rotate` first\n$/],
      [['retire', first], /^auth:keys: key \S+ was already retired at \S+\n$/],
      [['retire', 'no-such-kid'], /^auth:keys: no signing key with kid no-such-kid\n$/],
      [['shuffle'], /^auth:keys: usage: pnpm auth:keys list \| rotate \| retire <kid>\n$/],
    ] as const;
    const results = await Promise.all(refusals.map(([args]) => keysCommand(...args)));
    results.forEach((result, i) => {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(refusals[i]![1]);
    });
    expect((await keyRow(second)).retiredAt).toBeNull();
  });

  test('retire ends a key by hand once another is active', async () => {
    const third = /^created key (\S+):/m.exec((await keysCommand('rotate')).stdout)?.[1] ?? '';
    const retired = await keysCommand('retire', second);
    expect(retired).toMatchObject({ code: 0, stdout: expect.stringMatching(/^retired key \S+: it no longer signs; it stays in the JWKS until \S+\n$/) });
    expect((await keyRow(second)).retiredAt).not.toBeNull();
    // Still published for tokens it signed; the service now signs with the only active key.
    expect(await jwksKids()).toEqual([second, third].sort());
    await vi.waitFor(async () => expect((await newToken()).kid).toBe(third), { timeout: 5_000, interval: 200 });
  });
});
