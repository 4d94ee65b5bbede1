// `pnpm db:migrate`: applies pending migrations from prisma/migrations as the owner role
// (DATABASE_OWNER_URL) through Prisma's wasm schema engine. They are recorded in
// `_prisma_migrations` exactly as `prisma migrate deploy` records them, so either tool can take
// over. Running it again applies nothing.
import pg from 'pg';
import type { Config } from '../../packages/core/src/config/config.js';
import { isMainModule, runCli } from './cli.js';
import {
  DbScriptError,
  assertReachable,
  firstLine,
  parseDatabaseUrl,
  withAdvisoryLock,
  withClient,
} from './connection.js';
import { NO_FILTERS, openEngine, type MigrationList } from './engine.js';
import { LOCK_FILE, MIGRATION_FILE, MIGRATIONS_DIR, readLockFile, readMigrations } from './migrations-dir.js';

export interface MigrateOptions {
  migrationsDir?: string;
  /** Receives one line per applied migration; silent by default. */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Names of the migrations applied by this run, oldest first (empty when up to date). */
  applied: string[];
}

export async function migrateDatabase(config: Pick<Config, 'database'>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { ownerUrl, url } = config.database;
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const migrationsList = await loadMigrationList(migrationsDir);

  await assertReachable(ownerUrl);
  const applied = await withClient(ownerUrl, (owner) =>
    // Two processes migrating at once take turns here (the second then finds nothing to apply).
    withAdvisoryLock(owner, 'omni:db:migrate', async () => {
      try {
        await assertNoFailedMigration(owner);
        return await applyWithEngine(ownerUrl, migrationsList, options.log ?? (() => {}));
      } finally {
        await lockDownMigrationsTable(owner, parseDatabaseUrl(url).user);
      }
    }),
  );
  return { applied };
}

async function loadMigrationList(migrationsDir: string): Promise<MigrationList> {
  const migrations = await readMigrations(migrationsDir);
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCK_FILE, content: await readLockFile(migrationsDir) },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: MIGRATION_FILE, content: { tag: 'ok', value: m.sql } },
    })),
  };
}

async function applyWithEngine(ownerUrl: string, migrationsList: MigrationList, log: (line: string) => void): Promise<string[]> {
  const { engine, close } = await openEngine(ownerUrl);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    for (const name of appliedMigrationNames) log(`applied ${name}`);
    return appliedMigrationNames;
  } catch (err) {
    throw new DbScriptError(migrationFailure(err));
  } finally {
    await close();
  }
}

/**
 * The engine's errors are multi-line reports with a trace; keep the failing migration's name and
 * the database's own message. Each migration runs as one transaction (see engine.ts), so a failed
 * one changed nothing, but it is recorded as failed and blocks later runs until resolved.
 */
function migrationFailure(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const migration = /migration_name="([^"]+)"/.exec(text)?.[1];
  const dbMessage = /ERROR:\s*(.*)/.exec(text)?.[1] ?? firstLine(err);
  if (!migration) return `migrating failed: ${dbMessage}`;
  return `migration ${migration} failed: ${dbMessage} (nothing of it was applied; fix its migration.sql, then run \`pnpm db:migrate --rolled-back ${migration}\`)`;
}

/**
 * The engine refuses to continue after a failed migration with a message that does not name it;
 * name it here, with the way out.
 */
async function assertNoFailedMigration(owner: pg.Client): Promise<void> {
  if (!(await migrationsTableExists(owner))) return;
  const failed = await owner.query<{ migration_name: string; logs: string | null }>(
    `SELECT migration_name, logs FROM "_prisma_migrations"
      WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at LIMIT 1`,
  );
  const row = failed.rows[0];
  if (!row) return;
  const reason = /ERROR:\s*(.*)/.exec(row.logs ?? '')?.[1] ?? 'see its logs in _prisma_migrations';
  throw new DbScriptError(
    `migration ${row.migration_name} failed earlier (${reason}); fix its migration.sql, then run \`pnpm db:migrate --rolled-back ${row.migration_name}\``,
  );
}

/**
 * Marks a failed migration as rolled back (like `prisma migrate resolve --rolled-back`), so the
 * next run applies it again. Only for migrations that failed: a failed one changed nothing.
 */
export async function markRolledBack(config: Pick<Config, 'database'>, migrationName: string): Promise<void> {
  const { ownerUrl } = config.database;
  await assertReachable(ownerUrl);
  const { engine, close } = await openEngine(ownerUrl);
  try {
    await engine.markMigrationRolledBack({ migrationName });
  } catch (err) {
    throw new DbScriptError(`cannot mark ${migrationName} rolled back: ${firstLine(err)}`);
  } finally {
    await close();
  }
}

async function migrationsTableExists(client: pg.Client): Promise<boolean> {
  const result = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  return result.rows[0]?.exists === true;
}

/** `_prisma_migrations` is created by the owner, so default privileges granted it to the app. */
async function lockDownMigrationsTable(owner: pg.Client, appRole: string): Promise<void> {
  if (!(await migrationsTableExists(owner))) return;
  await owner.query(`REVOKE ALL ON "_prisma_migrations" FROM ${pg.escapeIdentifier(appRole)}`);
}

async function main(config: Pick<Config, 'database'>, args: string[]): Promise<void> {
  const rolledBack = args.indexOf('--rolled-back');
  if (rolledBack >= 0) {
    const name = args[rolledBack + 1];
    if (!name) throw new DbScriptError('usage: pnpm db:migrate --rolled-back <migration name>');
    await markRolledBack(config, name);
    console.log(`marked ${name} rolled back; run pnpm db:migrate to apply it again`);
    return;
  }
  const { applied } = await migrateDatabase(config, { log: (line) => console.log(line) });
  if (applied.length === 0) console.log('already up to date');
}

if (isMainModule(import.meta.url)) {
  runCli('db:migrate', (config) => main(config, process.argv.slice(2)));
}
