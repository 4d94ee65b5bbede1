// Catalog audits (security reference §2.2, T12/T13): the app role cannot bypass row-level
// security, and every tenant table is protected. Checked as the app role itself, on the real
// migrated test database, so a migration that forgets a policy fails here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../scripts/db/connection.js';
import { REPO_ROOT } from '../../scripts/db/migrations-dir.js';
import { testConfig } from '../../packages/core/src/testing/env.js';
import { appDatabase } from './helpers.js';

/** Tables without tenant data, deliberately left without row-level security. */
const GLOBAL_TABLES = ['EmailMessage', 'SigningKey', '_prisma_migrations'];

describe('the app role', () => {
  it('is the configured role, not superuser, without BYPASSRLS, and a member of no other role', async () => {
    const db = appDatabase();
    const [role] = await db.prisma.$queryRaw<{ name: string; rolsuper: boolean; rolbypassrls: boolean; memberOf: number }[]>`
      SELECT r.rolname AS name, r.rolsuper, r.rolbypassrls,
             (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS "memberOf"
      FROM pg_roles r WHERE r.rolname = current_user`;
    expect(role).toEqual({ name: parseDatabaseUrl(testConfig().database.url).user, rolsuper: false, rolbypassrls: false, memberOf: 0 });
  });

  it('owns no table, view, sequence, function, type or schema', async () => {
    const db = appDatabase();
    const [owned] = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)
           + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
           + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
           + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) AS n
      FROM pg_roles r WHERE r.rolname = current_user`;
    expect(Number(owned?.n)).toBe(0);
  });

  it('cannot read the migration history', async () => {
    const db = appDatabase();
    const [grant] = await db.prisma.$queryRaw<{ allowed: boolean }[]>`
      SELECT has_table_privilege(current_user, '"_prisma_migrations"', 'SELECT, INSERT, UPDATE, DELETE') AS allowed`;
    expect(grant?.allowed).toBe(false);
  });
});

describe('row-level security', () => {
  interface TableSecurity {
    table: string;
    tenant: boolean;
    enabled: boolean;
    forced: boolean;
    policies: { cmd: string; qual: string | null; withCheck: string | null }[];
  }

  async function tables(): Promise<TableSecurity[]> {
    const db = appDatabase();
    return db.prisma.$queryRaw<TableSecurity[]>`
      SELECT c.relname AS "table",
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'companyId' AND NOT a.attisdropped) AS tenant,
             c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             COALESCE((SELECT json_agg(json_build_object('cmd', p.cmd, 'qual', p.qual, 'withCheck', p.with_check))
                       FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname), '[]') AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY 1`;
  }

  it('every table with a companyId column has RLS enabled and forced, and a policy with USING and WITH CHECK', async () => {
    const tenantTables = (await tables()).filter((t) => t.tenant);
    expect(tenantTables.map((t) => t.table)).toEqual(expect.arrayContaining(['Membership', 'Session']));
    for (const t of tenantTables) {
      expect({ table: t.table, enabled: t.enabled, forced: t.forced }).toEqual({ table: t.table, enabled: true, forced: true });
      const guarding = t.policies.filter(
        (p) => p.cmd === 'ALL' && p.qual?.includes('app.company_id') && p.withCheck?.includes('app.company_id'),
      );
      expect(guarding, `${t.table} needs a policy on app.company_id with USING and WITH CHECK`).not.toHaveLength(0);
    }
  });

  it('tables owned by one user are guarded by app.user_id', async () => {
    for (const t of (await tables()).filter((x) => ['RecoveryCode', 'PasswordResetToken'].includes(x.table))) {
      expect({ table: t.table, enabled: t.enabled, forced: t.forced }).toEqual({ table: t.table, enabled: true, forced: true });
      expect(t.policies.some((p) => p.qual?.includes('app.user_id') && p.withCheck?.includes('app.user_id')), t.table).toBe(true);
    }
  });

  it('every other table is protected too, or listed here as deliberately global', async () => {
    const unprotected = (await tables()).filter((t) => !(t.enabled && t.forced)).map((t) => t.table);
    expect(unprotected.sort()).toEqual([...GLOBAL_TABLES].sort());
  });

  it('policies read the settings with NULLIF, so the empty string left after a commit is no tenant', async () => {
    const policies = (await tables()).flatMap((t) => t.policies);
    const expressions = policies.flatMap((p) => [p.qual, p.withCheck]).filter((e): e is string => e !== null);
    expect(expressions.length).toBeGreaterThan(0);
    for (const expression of expressions) {
      for (const setting of expression.match(/current_setting\([^)]*\)/g) ?? []) {
        expect(expression, setting).toContain(`NULLIF(${setting}`);
      }
    }
  });
});

describe('repository code', () => {
  it('never makes a session-level setting (set_config with is_local false, or SET app.*)', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|mts|cts|js|mjs|cjs|sql)$/.test(f) && !f.includes('/generated/'));
    expect(files.length).toBeGreaterThan(10);
    // Written so this file does not match itself.
    const sessionSetConfig = new RegExp(['set_config', String.raw`\s*\([^;)]*,\s*(false|0|'f(alse)?')\s*\)`].join(''), 'i');
    const sessionSet = new RegExp(String.raw`\bSET\s+(SESSION\s+)?"?app\.\w+"?\s*(=|TO\s+['"$])`, 'i');
    const offenders = files.filter((file) => {
      let text: string;
      try {
        text = readFileSync(join(REPO_ROOT, file), 'utf8');
      } catch {
        return false; // listed but deleted in the working tree
      }
      return sessionSetConfig.test(text) || sessionSet.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
