// `pnpm db:migration <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
// SQL that takes the database from the schema of the previous migration to the current
// prisma/schema/*.prisma, plus row-level security for every new tenant table (one with a
// companyId column). Hand-written SQL (policies for special tables, functions) is appended to the
// same file before it is committed.
//
//   pnpm db:migration add_invoices   create a migration (prints "no changes" when there are none)
//   pnpm db:migration notes --empty  create a migration for hand-written SQL only
//   pnpm db:migration --check        exit 1 when the schema changed without a migration (CI)
//
// The diff runs schema -> schema in the wasm engine with no database: each migration keeps the
// schema it was generated from in schema.prisma (see migrations-dir.ts).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMainModule, runCommand } from './cli.js';
import { DbScriptError } from './connection.js';
import { NO_FILTERS, openOfflineEngine } from './engine.js';
import {
  LOCK_CONTENT,
  LOCK_FILE,
  MIGRATION_FILE,
  MIGRATIONS_DIR,
  REPO_ROOT,
  SCHEMA_DIR,
  SNAPSHOT_FILE,
  readCurrentSchema,
  readMigrations,
} from './migrations-dir.js';
import { createdTables, isTenantTable, lacksCompanyIndex, tenantIsolationSql } from './rls.js';

export interface MigrationPaths {
  schemaDir?: string;
  migrationsDir?: string;
}

export interface CreateMigrationOptions extends MigrationPaths {
  /** Create the migration even without schema changes, for hand-written SQL. */
  empty?: boolean;
  /** Clock for the directory's timestamp (tests). */
  now?: Date;
}

export interface CreatedMigration {
  /** Directory name, e.g. 20250101120000_add_invoices. */
  name: string;
  dir: string;
  sql: string;
  /** New tables that received row-level security. */
  tenantTables: string[];
  /** Things a person should look at before committing. */
  warnings: string[];
}

const NAME_PATTERN = /^[a-z0-9_]+$/;
const EMPTY_DIFF = '-- This is an empty migration.';

/**
 * SQL the current schema needs beyond the latest migration's snapshot, or null when none.
 * Comment-only edits produce no SQL, so they do not count as changes.
 */
export async function pendingSchemaChanges(paths: MigrationPaths = {}): Promise<string | null> {
  const previous = await latestSnapshot(paths.migrationsDir ?? MIGRATIONS_DIR);
  return diffSchemas(previous, await readCurrentSchema(paths.schemaDir ?? SCHEMA_DIR));
}

/** False when prisma/schema changed without a migration; CI fails on it (test/db/migration.test.ts). */
export async function schemaIsUpToDate(paths: MigrationPaths = {}): Promise<boolean> {
  return (await pendingSchemaChanges(paths)) === null;
}

/** Writes a new migration directory; returns null (and writes nothing) when there is no change. */
export async function createMigration(name: string, options: CreateMigrationOptions = {}): Promise<CreatedMigration | null> {
  if (!NAME_PATTERN.test(name)) {
    throw new DbScriptError(`migration name must match ${NAME_PATTERN.source} (lower case, digits, underscores): "${name}"`);
  }
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const schema = await readCurrentSchema(options.schemaDir ?? SCHEMA_DIR);
  const changes = await diffSchemas(await latestSnapshot(migrationsDir), schema);

  if (options.empty && changes !== null) {
    throw new DbScriptError('the schema has changes; create a normal migration first (without --empty)');
  }
  if (!options.empty && changes === null) return null;

  const tables = changes === null ? [] : createdTables(changes).filter(isTenantTable);
  const sql =
    changes === null
      ? '-- Hand-written migration: no schema change. Add the SQL below.\n'
      : [changes.trimEnd(), ...tables.map((t) => tenantIsolationSql(t.name))].join('\n\n') + '\n';

  const dirName = `${timestamp(options.now ?? new Date())}_${name}`;
  const dir = join(migrationsDir, dirName);
  if (existsSync(dir)) throw new DbScriptError(`${dir} already exists; wait a second and retry`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MIGRATION_FILE), sql);
  await writeFile(join(dir, SNAPSHOT_FILE), schema);
  await writeFile(join(migrationsDir, LOCK_FILE), LOCK_CONTENT);

  return {
    name: dirName,
    dir,
    sql,
    tenantTables: tables.map((t) => t.name),
    warnings: tables
      .filter(lacksCompanyIndex)
      .map((t) => `"${t.name}" has no index starting with "companyId"; add @@index([companyId, ...]) to the model`),
  };
}

/** The schema as of the latest migration; undefined before the first one. */
async function latestSnapshot(migrationsDir: string): Promise<string | undefined> {
  const latest = (await readMigrations(migrationsDir)).at(-1);
  if (latest && latest.snapshot === undefined) {
    throw new DbScriptError(
      `${latest.name} has no ${SNAPSHOT_FILE}; every migration keeps the schema it was made from (copy the previous one if it changed no schema)`,
    );
  }
  return latest?.snapshot;
}

/** Migration SQL from one schema text to another (undefined = empty database), null when equal. */
async function diffSchemas(from: string | undefined, to: string): Promise<string | null> {
  const { engine, close } = await openOfflineEngine();
  try {
    const result = await engine.diff({
      from: from === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: SNAPSHOT_FILE, content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: SNAPSHOT_FILE, content: to }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = (result.stdout ?? '').trim();
    return sql === '' || sql === EMPTY_DIFF ? null : sql + '\n';
  } finally {
    await close();
  }
}

/** yyyymmddhhmmss in UTC, the prefix `prisma migrate` uses. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

async function main(args: string[]): Promise<void> {
  if (args.includes('--check')) return check();
  const name = args.find((a) => !a.startsWith('--'));
  if (!name) throw new DbScriptError('usage: pnpm db:migration <name> [--empty] | --check');

  const created = await createMigration(name, { empty: args.includes('--empty') });
  if (!created) {
    console.log('no changes: the schema matches the latest migration');
    return;
  }
  console.log(`created ${relative(REPO_ROOT, join(created.dir, MIGRATION_FILE))}\n`);
  console.log(created.sql);
  if (created.tenantTables.length > 0) {
    console.log(`row-level security added for: ${created.tenantTables.join(', ')}`);
  }
  for (const warning of created.warnings) console.warn(`warning: ${warning}`);
  console.log('review the SQL, add hand-written parts at the end, then run pnpm db:migrate');
}

async function check(): Promise<void> {
  const pending = await pendingSchemaChanges();
  if (pending === null) {
    console.log('schema and migrations agree');
    return;
  }
  console.log(pending);
  throw new DbScriptError('prisma/schema changed without a migration; run pnpm db:migration <name>');
}

if (isMainModule(import.meta.url)) {
  runCommand('db:migration', () => main(process.argv.slice(2)));
}
