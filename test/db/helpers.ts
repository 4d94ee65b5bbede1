// Fixtures for the database integration tests. Every test makes its own tenants with random ids,
// through the app role itself (so creating them also exercises the policies), and removes them
// afterwards as the owner role, which bypasses row-level security.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createDatabase, type Database } from '../../packages/core/src/db/index.js';
import { testConfig } from '../../packages/core/src/testing/env.js';

export interface Tenant {
  companyId: string;
  userId: string;
  email: string;
}

const createdCompanies: string[] = [];
const createdUsers: string[] = [];
const openDatabases: Database[] = [];

/** A Database connected as the app role, closed after the test file. */
export function appDatabase(overrides: { poolSize?: number } = {}): Database {
  const db = createDatabase({ ...testConfig().database, ...overrides });
  openDatabases.push(db);
  return db;
}

/** A company with one owner, created the way the app would: inside that tenant's transaction. */
export async function createTenant(db: Database, name = 'Test company'): Promise<Tenant> {
  const tenant = { companyId: randomUUID(), userId: randomUUID(), email: `user-${randomUUID()}@example.test` };
  createdCompanies.push(tenant.companyId);
  createdUsers.push(tenant.userId);
  await db.withTenant(tenant, async (tx) => {
    await tx.company.create({ data: { id: tenant.companyId, name } });
    await tx.user.create({ data: { id: tenant.userId, email: tenant.email, name: 'Owner', passwordHash: 'hash' } });
    await tx.membership.create({ data: { companyId: tenant.companyId, userId: tenant.userId, role: 'OWNER' } });
    await tx.session.create({
      data: {
        id: randomUUID(),
        companyId: tenant.companyId,
        userId: tenant.userId,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
  });
  return tenant;
}

/** Remembers ids created outside createTenant so they are removed too. */
export function trackForCleanup(ids: { companyIds?: string[]; userIds?: string[] }): void {
  createdCompanies.push(...(ids.companyIds ?? []));
  createdUsers.push(...(ids.userIds ?? []));
}

/** Runs SQL as the owner role (BYPASSRLS): for checks that must see past the policies. */
export async function asOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testConfig().database.ownerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await Promise.all(openDatabases.splice(0).map((db) => db.disconnect()));
  const companies = createdCompanies.splice(0);
  const users = createdUsers.splice(0);
  await asOwner(async (client) => {
    // Memberships and sessions go with their company (ON DELETE CASCADE).
    await client.query('DELETE FROM "Company" WHERE id = ANY($1::uuid[])', [companies]);
    await client.query('DELETE FROM "User" WHERE id = ANY($1::uuid[])', [users]);
  });
});
