// Row-level security as the services see it: connected as omni_app through createDatabase, with
// tenants made by each test. Reads, writes and deletes across tenants must find nothing, by
// Prisma and by raw SQL alike.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isRecordNotFound, isRowLevelSecurityViolation, type TenantTx } from '../../packages/core/src/db/index.js';
import { appDatabase, asOwner, createTenant, type Tenant } from './helpers.js';

/** Every table row-level security protects, read from the catalog (new tables join in). */
async function protectedTables(tx: Pick<TenantTx, '$queryRaw'>): Promise<string[]> {
  const rows = await tx.$queryRaw<{ relname: string }[]>`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity ORDER BY 1`;
  return rows.map((r) => r.relname);
}

async function rawRowCounts(tx: Pick<TenantTx, '$queryRawUnsafe' | '$queryRaw'>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await protectedTables(tx)) {
    const [row] = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

async function prismaRowCounts(tx: TenantTx): Promise<Record<string, number>> {
  return {
    Company: await tx.company.count(),
    User: await tx.user.count(),
    Membership: await tx.membership.count(),
    Session: await tx.session.count(),
  };
}

function allZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));
}

describe('without a tenant', () => {
  it('every tenant table reads empty, through Prisma and raw SQL, in and out of a transaction', async () => {
    const db = appDatabase();
    const tenant = await createTenant(db);
    // The rows exist (the owner bypasses RLS), so an empty read below means the policies hid them.
    const ownerCounts = await asOwner(async (client) => {
      const counts: Record<string, number> = {};
      for (const [table, column] of [['Company', 'id'], ['User', 'id'], ['Membership', 'companyId'], ['Session', 'companyId']]) {
        const id = table === 'User' ? tenant.userId : tenant.companyId;
        const result = await client.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = $1`, [id]);
        counts[table as string] = result.rows[0].n;
      }
      return counts;
    });
    expect(ownerCounts).toEqual({ Company: 1, User: 1, Membership: 1, Session: 1 });

    const prismaCounts = await prismaRowCounts(db.prisma);
    expect(prismaCounts).toEqual(allZero(prismaCounts));
    const rawCounts = await rawRowCounts(db.prisma);
    expect(Object.keys(rawCounts)).toEqual(expect.arrayContaining(['Company', 'User', 'Membership', 'Session']));
    expect(rawCounts).toEqual(allZero(rawCounts));

    // A transaction that never set the tenant is no different.
    const inTransaction = await db.prisma.$transaction((tx) => rawRowCounts(tx));
    expect(inTransaction).toEqual(allZero(inTransaction));
    expect(await db.prisma.company.findUnique({ where: { id: tenant.companyId } })).toBeNull();
  });
});

describe('between two tenants', () => {
  async function twoTenants(): Promise<{ a: Tenant; b: Tenant; db: ReturnType<typeof appDatabase> }> {
    const db = appDatabase();
    const [a, b] = await Promise.all([createTenant(db, 'A'), createTenant(db, 'B')]);
    return { a, b, db };
  }

  it("A cannot read B's rows by primary key (Prisma and raw SQL)", async () => {
    const { a, b, db } = await twoTenants();
    await db.withTenant(a, async (tx) => {
      expect(await tx.company.findUnique({ where: { id: a.companyId } })).not.toBeNull(); // own row: visible
      expect(await tx.company.findUnique({ where: { id: b.companyId } })).toBeNull();
      expect(await tx.user.findUnique({ where: { id: b.userId } })).toBeNull();
      expect(
        await tx.membership.findUnique({ where: { companyId_userId: { companyId: b.companyId, userId: b.userId } } }),
      ).toBeNull();
      expect(await tx.session.findMany({ where: { companyId: b.companyId } })).toEqual([]);
      expect(await tx.$queryRawUnsafe('SELECT * FROM "Company" WHERE id = $1::uuid', b.companyId)).toEqual([]);
      expect(await tx.$queryRaw`SELECT * FROM "Membership" WHERE "companyId" = ${b.companyId}::uuid`).toEqual([]);
      expect(await tx.$queryRaw`SELECT * FROM "User" WHERE id = ${b.userId}::uuid`).toEqual([]);
    });
  });

  it("A cannot update or delete B's rows (Prisma and raw SQL)", async () => {
    const { a, b, db } = await twoTenants();
    await db.withTenant(a, async (tx) => {
      await expect(tx.company.update({ where: { id: b.companyId }, data: { name: 'taken' } })).rejects.toSatisfy(isRecordNotFound);
      expect((await tx.company.updateMany({ where: { id: b.companyId }, data: { name: 'taken' } })).count).toBe(0);
      expect((await tx.user.updateMany({ where: { id: b.userId }, data: { name: 'taken' } })).count).toBe(0);
      expect((await tx.membership.deleteMany({ where: { companyId: b.companyId } })).count).toBe(0);
      expect((await tx.session.deleteMany({ where: { companyId: b.companyId } })).count).toBe(0);
      expect(await tx.$executeRaw`UPDATE "Company" SET name = 'taken' WHERE id = ${b.companyId}::uuid`).toBe(0);
      expect(await tx.$executeRawUnsafe('DELETE FROM "Membership" WHERE "companyId" = $1::uuid', b.companyId)).toBe(0);
      expect(await tx.$executeRaw`DELETE FROM "Company" WHERE id = ${b.companyId}::uuid`).toBe(0);
    });
    const seenByB = await db.withTenant(b, async (tx) => ({
      company: await tx.company.findUnique({ where: { id: b.companyId } }),
      memberships: await tx.membership.count(),
      sessions: await tx.session.count(),
    }));
    expect(seenByB).toMatchObject({ company: { name: 'B' }, memberships: 1, sessions: 1 });
  });

  it("A cannot write rows carrying B's companyId, nor move its own rows to B", async () => {
    const { a, b, db } = await twoTenants();
    const asA = <T>(fn: (tx: TenantTx) => Promise<T>) => db.withTenant(a, fn);
    await expect(
      asA((tx) => tx.membership.create({ data: { companyId: b.companyId, userId: a.userId, role: 'OWNER' } })),
    ).rejects.toSatisfy(isRowLevelSecurityViolation);
    await expect(
      asA((tx) => tx.$executeRaw`INSERT INTO "Membership" ("companyId", "userId", role) VALUES (${b.companyId}::uuid, ${a.userId}::uuid, 'OWNER')`),
    ).rejects.toSatisfy(isRowLevelSecurityViolation);
    await expect(asA((tx) => tx.company.create({ data: { id: randomUUID(), name: 'another company' } }))).rejects.toSatisfy(
      isRowLevelSecurityViolation,
    );
    await expect(
      asA((tx) => tx.membership.update({
        where: { companyId_userId: { companyId: a.companyId, userId: a.userId } },
        data: { companyId: b.companyId },
      })),
    ).rejects.toSatisfy(isRowLevelSecurityViolation);
    expect(await db.withTenant(b, (tx) => tx.membership.count())).toBe(1);
  });

  it('1,000 interleaved requests of two tenants over 5 pooled connections see only their own rows', async () => {
    const db = appDatabase({ poolSize: 5 });
    const [a, b] = await Promise.all([createTenant(db, 'A'), createTenant(db, 'B')]);
    const backends = new Set<number>();

    const request = async (i: number): Promise<number> => {
      const tenant = i % 2 === 0 ? a : b;
      try {
        return await db.withTenant(tenant, async (tx) => {
          await sleep(i % 3); // let other requests overtake this one on the pool
          const companies = await tx.company.findMany({ select: { id: true } });
          const rows = await tx.$queryRaw<{ companyId: string; pid: number }[]>`
            SELECT "companyId", pg_backend_pid() AS pid FROM "Membership"`;
          const sessions = await tx.session.findMany({ select: { companyId: true } });
          for (const row of rows) backends.add(row.pid);
          const foreign = [...companies.map((c) => c.id), ...rows.map((r) => r.companyId), ...sessions.map((s) => s.companyId)]
            .filter((id) => id !== tenant.companyId).length;
          // Some requests fail after reading, so connections also return to the pool via rollback.
          if (i % 10 === 9) throw new RolledBack(foreign);
          return foreign;
        });
      } catch (err) {
        if (err instanceof RolledBack) return err.foreign;
        throw err;
      }
    };

    const foreignRows = await Promise.all(Array.from({ length: 1000 }, (_, i) => request(i)));
    expect(foreignRows.reduce((sum, n) => sum + n, 0)).toBe(0);
    expect(backends.size).toBeGreaterThan(1); // the requests really were spread over the pool
    expect(backends.size).toBeLessThanOrEqual(5);
  });
});

class RolledBack extends Error {
  constructor(readonly foreign: number) {
    super('rolled back on purpose');
  }
}

describe('withTenant transactions', () => {
  it('a throw inside withTenant rolls back every write of it', async () => {
    const db = appDatabase();
    const tenant = await createTenant(db, 'Before');
    const failure = new Error('fails after writing');
    await expect(
      db.withTenant(tenant, async (tx) => {
        await tx.company.update({ where: { id: tenant.companyId }, data: { name: 'After' } });
        await tx.session.deleteMany({});
        await tx.$executeRaw`UPDATE "Membership" SET version = version + 1`;
        throw failure;
      }),
    ).rejects.toBe(failure);
    const after = await db.withTenant(tenant, async (tx) => ({
      name: (await tx.company.findUniqueOrThrow({ where: { id: tenant.companyId } })).name,
      sessions: await tx.session.count(),
      versions: (await tx.membership.findMany()).map((m) => m.version),
    }));
    expect(after).toEqual({ name: 'Before', sessions: 1, versions: [1] });
  });

  it('after a committed withTenant the same pooled connection sees nothing without a new tenant', async () => {
    const db = appDatabase({ poolSize: 1 }); // one connection, so the next query surely reuses it
    const tenant = await createTenant(db);
    const inside = await db.withTenant(tenant, async (tx) => {
      const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      return { pid: row?.pid, companies: await tx.company.count() };
    });
    expect(inside.companies).toBe(1);

    const [after] = await db.prisma.$queryRaw<{ pid: number; company: string | null; user: string | null }[]>`
      SELECT pg_backend_pid() AS pid, current_setting('app.company_id', true) AS company,
             current_setting('app.user_id', true) AS "user"`;
    // Same connection, and the settings now read '' (not NULL): the case NULLIF in the policies is for.
    expect(after).toEqual({ pid: inside.pid, company: '', user: '' });
    expect(await db.prisma.company.count()).toBe(0);
    expect(await db.prisma.$queryRaw`SELECT id FROM "Company"`).toEqual([]);
    expect(await db.prisma.$transaction((tx) => tx.membership.count())).toBe(0);
  });

  it('refuses ids that are not uuids instead of sending them to the database', async () => {
    const db = appDatabase();
    await expect(db.withTenant({ companyId: "' OR true --" }, async () => 1)).rejects.toThrow(TypeError);
    await expect(db.withTenant({ companyId: randomUUID(), userId: 'someone' }, async () => 1)).rejects.toThrow(TypeError);
  });
});
