// Migrations through the wasm schema engine: a fresh database gets every migration once, in
// order, recorded like `prisma migrate deploy` records them; a second run applies nothing.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../packages/core/src/testing/env.js';
import { withDatabase } from '../../scripts/db/connection.js';
import { migrateDatabase } from '../../scripts/db/migrate.js';
import { readMigrations } from '../../scripts/db/migrations-dir.js';
import { setupDatabase } from '../../scripts/db/setup.js';

/** A throwaway database of its own, so this test does not depend on omni_test's history. */
const scratch = `omni_test_migrate_${randomBytes(4).toString('hex')}`;
const base = testConfig().database;
const config = {
  database: { ...base, url: withDatabase(base.url, scratch), ownerUrl: withDatabase(base.ownerUrl, scratch) },
};

afterAll(async () => {
  const admin = new pg.Client({ connectionString: base.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

describe('migrateDatabase', () => {
  it('applies every migration once on a new database and nothing the second time', async () => {
    const onDisk = (await readMigrations()).map((m) => m.name);
    expect(onDisk.length).toBeGreaterThan(0);
    await setupDatabase(config);

    const first = await migrateDatabase(config);
    expect(first.applied).toEqual(onDisk);
    const second = await migrateDatabase(config);
    expect(second.applied).toEqual([]);

    const owner = new pg.Client({ connectionString: config.database.ownerUrl });
    await owner.connect();
    try {
      const recorded = await owner.query<{ migration_name: string; checksum: string; finished: boolean }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL AS finished
         FROM "_prisma_migrations" ORDER BY started_at`,
      );
      expect(recorded.rows.map((r) => r.migration_name)).toEqual(onDisk);
      expect(recorded.rows.every((r) => r.finished && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    } finally {
      await owner.end();
    }
  });

  it('the shared test database is already up to date (global setup migrated it)', async () => {
    expect((await migrateDatabase(testConfig())).applied).toEqual([]);
  });
});
