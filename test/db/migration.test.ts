// The migration tool, offline (no database): the repository's schema must match its latest
// migration, and new tenant tables must get row-level security without anyone remembering to.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMigration, pendingSchemaChanges, schemaIsUpToDate } from '../../scripts/db/migration.js';
import { MIGRATIONS_DIR, SCHEMA_DIR } from '../../scripts/db/migrations-dir.js';

describe('the repository', () => {
  it('has a migration for every change of prisma/schema (else run `pnpm db:migration <name>`)', async () => {
    expect(await pendingSchemaChanges(), 'prisma/schema changed without a migration').toBeNull();
    expect(await schemaIsUpToDate()).toBe(true);
  });
});

describe('pnpm db:migration', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the real schema and migrations, free to change. */
  function copyOfRepository(): { schemaDir: string; migrationsDir: string } {
    const root = mkdtempSync(join(tmpdir(), 'omni-migration-'));
    dirs.push(root);
    const paths = { schemaDir: join(root, 'schema'), migrationsDir: join(root, 'migrations') };
    cpSync(SCHEMA_DIR, paths.schemaDir, { recursive: true });
    cpSync(MIGRATIONS_DIR, paths.migrationsDir, { recursive: true });
    return paths;
  }

  function addModel(schemaDir: string, model: string): void {
    appendFileSync(join(schemaDir, 'base.prisma'), `\n${model}\n`);
  }

  const invoice = `model Invoice {
  id        String @id @db.Uuid
  companyId String @db.Uuid
  number    Int
  @@unique([companyId, number])
}`;

  it('notices a schema change without a migration', async () => {
    const paths = copyOfRepository();
    addModel(paths.schemaDir, invoice);
    expect(await schemaIsUpToDate(paths)).toBe(false);
  });

  it('ignores edits that change no SQL, such as comments', async () => {
    const paths = copyOfRepository();
    appendFileSync(join(paths.schemaDir, 'base.prisma'), '\n// a comment only\n');
    expect(await schemaIsUpToDate(paths)).toBe(true);
    expect(await createMigration('comments', paths)).toBeNull();
  });

  it('writes the incremental SQL, row-level security for the new tenant table, and the snapshot', async () => {
    const paths = copyOfRepository();
    addModel(paths.schemaDir, invoice);
    addModel(paths.schemaDir, 'model Currency {\n  code String @id @db.Char(3)\n}');
    const before = readdirSync(paths.migrationsDir).length;

    const created = await createMigration('add_invoice', { ...paths, now: new Date('2099-01-02T03:04:05Z') });
    expect(created?.name).toBe('20990102030405_add_invoice');
    expect(created?.tenantTables).toEqual(['Invoice']); // Currency has no companyId: global
    expect(created?.warnings).toEqual([]); // the unique key leads with companyId
    const sql = readFileSync(join(paths.migrationsDir, '20990102030405_add_invoice', 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "Invoice"');
    expect(sql).toContain('CREATE TABLE "Currency"');
    expect(sql).not.toContain('CREATE TABLE "Company"'); // only what changed since the last migration
    expect(sql).toContain('ALTER TABLE "Invoice" ENABLE ROW LEVEL SECURITY;');
    expect(sql).toContain('ALTER TABLE "Invoice" FORCE ROW LEVEL SECURITY;');
    expect(sql).toMatch(
      /CREATE POLICY tenant_isolation ON "Invoice"\s+USING \("companyId" = NULLIF\(current_setting\('app\.company_id', true\), ''\)::uuid\)\s+WITH CHECK \("companyId" = NULLIF\(current_setting\('app\.company_id', true\), ''\)::uuid\);/,
    );
    expect(sql).not.toContain('ON "Currency"');
    expect(readdirSync(paths.migrationsDir)).toHaveLength(before + 1);

    // The snapshot makes the next run see no change.
    expect(await schemaIsUpToDate(paths)).toBe(true);
    expect(await createMigration('again', paths)).toBeNull();
  });

  it('warns when a new tenant table has no index starting with companyId', async () => {
    const paths = copyOfRepository();
    addModel(paths.schemaDir, 'model Note {\n  id String @id @db.Uuid\n  companyId String @db.Uuid\n}');
    const created = await createMigration('add_note', paths);
    expect(created?.tenantTables).toEqual(['Note']);
    expect(created?.warnings).toEqual([expect.stringContaining('"Note" has no index starting with "companyId"')]);
  });

  it('refuses names that are not lower-case words, and a migration whose predecessor has no snapshot', async () => {
    const paths = copyOfRepository();
    await expect(createMigration('Add-Invoice', paths)).rejects.toThrow(/must match/);
    const latest = readdirSync(paths.migrationsDir).filter((d) => /^\d{14}_/.test(d)).sort().at(-1) ?? '';
    rmSync(join(paths.migrationsDir, latest, 'schema.prisma'));
    await expect(createMigration('next', paths)).rejects.toThrow(/has no schema\.prisma/);
  });
});
