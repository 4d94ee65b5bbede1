// vitest globalSetup for the integration project: makes sure the test database (omni_test) and
// its roles exist and carry every migration before any *.int.test.ts runs. Works on a machine
// that has neither yet; setup and migrate hold advisory locks, so parallel runs wait in turn.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testConfig } from '../packages/core/src/testing/env.js';
import { migrateDatabase } from '../scripts/db/migrate.js';
import { REPO_ROOT } from '../scripts/db/migrations-dir.js';
import { setupDatabase } from '../scripts/db/setup.js';

export default async function setup(): Promise<void> {
  ensurePrismaClient();
  const config = testConfig();
  await setupDatabase(config);
  await migrateDatabase(config);
}

/** The generated client is not committed; `pnpm test` generates it, a bare vitest run may not. */
function ensurePrismaClient(): void {
  if (existsSync(join(REPO_ROOT, 'packages/core/src/db/generated/client.ts'))) return;
  const result = spawnSync('pnpm', ['db:generate'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('pnpm db:generate failed');
}
