// `pnpm auth:keys list | rotate | retire <kid>`: manages the keys that sign access tokens, in the
// database the services use (DATABASE_URL). Running Auth processes pick changes up on their own
// within seconds; see subgraphs/auth/src/keys/policy.ts for when a key signs, is published and is
// retired. Rotation: `rotate`, then nothing else — the new key signs after the propagation delay
// and the old one is retired automatically once no token it signed can still be valid.
import { ConfigError, createDatabase, loadConfig, loadDatabaseConfig, loadDataEncryptionKey, SecretBox, type PrismaClient } from '@omni/core';
import { keyStatus, newestFirst, type KeyTimings } from '../subgraphs/auth/src/keys/policy.js';
import { findAllKeys, insertSigningKey, retireKeys } from '../subgraphs/auth/src/keys/repository.js';
import { generateSigningKey, keyTimings } from '../subgraphs/auth/src/keys/signing-keys.js';
import { isMainModule, runCommand } from './db/cli.js';
import { storedDevSecret } from './lib/dev-secrets.js';
import { assertReachable, firstLine } from './db/connection.js';

const USAGE = 'usage: pnpm auth:keys list | rotate | retire <kid>';

export class KeyCommandError extends Error {}

/** The access-token lifetime from the environment; without a full service configuration, the longest allowed. */
function accessTokenTtlSeconds(): number {
  try {
    return loadConfig().auth.accessTokenTtlSeconds;
  } catch (error) {
    if (error instanceof ConfigError) return 900;
    throw error;
  }
}

/**
 * The key that seals private halves: DATA_ENCRYPTION_KEY, or on a developer machine the one
 * `pnpm dev` generated. Only `rotate` needs it.
 */
function secretBox(): SecretBox {
  const devKey = storedDevSecret('data-encryption-key');
  const env = { ...process.env, DATA_ENCRYPTION_KEY: process.env['DATA_ENCRYPTION_KEY'] ?? devKey };
  try {
    return new SecretBox(loadDataEncryptionKey(env));
  } catch (error) {
    throw error instanceof ConfigError ? new KeyCommandError(`DATA_ENCRYPTION_KEY: ${error.issues.join('; ')}`) : error;
  }
}

export async function runKeyCommand(prisma: PrismaClient, args: string[], timings: KeyTimings, out: (line: string) => void): Promise<void> {
  const [command, kid, ...extra] = args;
  if (command === 'list' && kid === undefined) return list(prisma, timings, out);
  if (command === 'rotate' && kid === undefined) return rotate(prisma, secretBox(), timings, out);
  if (command === 'retire' && kid !== undefined && extra.length === 0) return retire(prisma, kid, timings, out);
  throw new KeyCommandError(USAGE);
}

async function list(prisma: PrismaClient, timings: KeyTimings, out: (line: string) => void): Promise<void> {
  const keys = newestFirst(await findAllKeys(prisma));
  const now = new Date();
  const rows = keys.map((key) => [key.kid, keyStatus(key, keys, now, timings), key.alg, iso(key.createdAt), key.retiredAt ? iso(key.retiredAt) : '-']);
  for (const line of table([['KID', 'STATUS', 'ALG', 'CREATED', 'RETIRED'], ...rows])) out(line);
}

async function rotate(prisma: PrismaClient, box: SecretBox, timings: KeyTimings, out: (line: string) => void): Promise<void> {
  const key = await insertSigningKey(prisma, box, await generateSigningKey());
  const signsFrom = new Date(key.createdAt.getTime() + timings.propagationDelayMs);
  out(`created key ${key.kid}: published now, signs new tokens from ${iso(signsFrom)}`);
}

async function retire(prisma: PrismaClient, kid: string, timings: KeyTimings, out: (line: string) => void): Promise<void> {
  const keys = await findAllKeys(prisma);
  const key = keys.find((k) => k.kid === kid);
  if (!key) throw new KeyCommandError(`no signing key with kid ${kid}`);
  if (key.retiredAt) throw new KeyCommandError(`key ${kid} was already retired at ${iso(key.retiredAt)}`);
  // Without an active key the services would create one and sign with it at once, before any
  // verifier has seen it.
  if (!keys.some((k) => k.kid !== kid && k.retiredAt === null)) {
    throw new KeyCommandError(`key ${kid} is the only active key; run \`pnpm auth:keys rotate\` first`);
  }
  await retireKeys(prisma, [kid]);
  out(`retired key ${kid}: it no longer signs; it stays in the JWKS until ${iso(new Date(Date.now() + timings.retentionMs))}`);
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function databaseConfig() {
  try {
    return loadDatabaseConfig().database;
  } catch (error) {
    throw error instanceof ConfigError ? new Error(`invalid configuration: ${error.issues.join('; ')}`) : error;
  }
}

if (isMainModule(import.meta.url)) {
  runCommand('auth:keys', async () => {
    const config = databaseConfig();
    // Says "cannot connect to …" in one line, before Prisma's multi-line errors could.
    await assertReachable(config.url);
    const database = createDatabase(config);
    const timings = keyTimings({ accessTokenTtlSeconds: accessTokenTtlSeconds() });
    try {
      await runKeyCommand(database.prisma, process.argv.slice(2), timings, (line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      if (error instanceof KeyCommandError) throw error;
      throw new Error(firstLine(error));
    } finally {
      await database.disconnect();
    }
  });
}
