// omni_login_lookup: the one way the app role reads a user before any tenant is known (login).
// It must work as omni_app, return only what login needs, and be hardened as SECURITY DEFINER.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appDatabase, createTenant, trackForCleanup } from './helpers.js';

interface LookupRow {
  user_id: string;
  password_hash: string;
  company_id: string | null;
  role: string | null;
}

describe('omni_login_lookup', () => {
  it("returns the user's id, password hash and oldest membership, by case-insensitive email", async () => {
    const db = appDatabase();
    const first = await createTenant(db, 'First');
    // The same user joins a second company later, with another role.
    const second = randomUUID();
    trackForCleanup({ companyIds: [second] });
    await db.withTenant({ companyId: second, userId: first.userId }, async (tx) => {
      await tx.company.create({ data: { id: second, name: 'Second' } });
      await tx.membership.create({
        data: { companyId: second, userId: first.userId, role: 'VIEWER', createdAt: new Date(Date.now() + 60_000) },
      });
    });

    expect(await db.prisma.user.count({ where: { id: first.userId } })).toBe(0); // RLS hides the user itself
    const rows = await db.prisma.$queryRaw<LookupRow[]>`SELECT * FROM omni_login_lookup(${first.email.toUpperCase()})`;
    expect(rows).toEqual([{ user_id: first.userId, password_hash: 'hash', company_id: first.companyId, role: 'OWNER' }]);
    // Exactly these columns: no name, email, timestamps or anything else of the user.
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['company_id', 'password_hash', 'role', 'user_id']);
  });

  it('returns no row for an unknown email, and NULL company for a user without membership', async () => {
    const db = appDatabase();
    expect(await db.prisma.$queryRaw`SELECT * FROM omni_login_lookup(${`nobody-${randomUUID()}@example.test`})`).toEqual([]);

    const lonely = { id: randomUUID(), email: `lonely-${randomUUID()}@example.test` };
    trackForCleanup({ userIds: [lonely.id] });
    await db.withTenant({ companyId: randomUUID(), userId: lonely.id }, (tx) =>
      tx.user.create({ data: { id: lonely.id, email: lonely.email, name: 'Lonely', passwordHash: 'h2' } }),
    );
    expect(await db.prisma.$queryRaw`SELECT * FROM omni_login_lookup(${lonely.email})`).toEqual([
      { user_id: lonely.id, password_hash: 'h2', company_id: null, role: null },
    ]);
  });

  it('is SECURITY DEFINER with an empty search_path, owned by the table owner, executable by the app role only', async () => {
    const db = appDatabase();
    const [fn] = await db.prisma.$queryRaw<
      { definer: boolean; config: string[] | null; ownsTables: boolean; publicCanRun: boolean; appCanRun: boolean }[]
    >`
      SELECT p.prosecdef AS definer, p.proconfig AS config,
             p.proowner = (SELECT relowner FROM pg_class WHERE oid = '"User"'::regclass) AS "ownsTables",
             EXISTS (SELECT 1 FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS "publicCanRun",
             has_function_privilege(current_user, p.oid, 'EXECUTE') AS "appCanRun"
      FROM pg_proc p WHERE p.proname = 'omni_login_lookup'`;
    expect(fn).toEqual({ definer: true, config: ['search_path=""'], ownsTables: true, publicCanRun: false, appCanRun: true });
  });
});
