// `pnpm db:setup`: creates the two database roles and the database, idempotently, as the
// PostgreSQL superuser (DATABASE_ADMIN_URL). Role names, passwords and the database name come
// from DATABASE_OWNER_URL and DATABASE_URL, so the test database reuses the same roles.
//
// - owner role (omni_owner): runs migrations, owns every table and the few SECURITY DEFINER
//   functions; BYPASSRLS so migrations and those functions see all rows.
// - app role (omni_app): what the services connect as; owns nothing, not superuser, no BYPASSRLS,
//   so row-level security always applies to it. Its table rights come from default privileges.
import pg from 'pg';
import type { Config } from '../../packages/core/src/config/config.js';
import { isMainModule, runCli } from './cli.js';
import {
  DbScriptError,
  assertReachable,
  parseDatabaseUrl,
  withAdvisoryLock,
  withClient,
  withDatabase,
} from './connection.js';

const { escapeIdentifier: ident, escapeLiteral: literal } = pg;

export interface SetupOptions {
  /** Receives one line per step; silent by default. */
  log?: (line: string) => void;
}

interface RoleSpec {
  name: string;
  password: string | undefined;
  /** Role attributes, enforced on every run (an existing role is brought back in line). */
  attributes: string;
}

/** The roles, database and privileges the platform needs; safe to run any number of times. */
export async function setupDatabase(config: Pick<Config, 'database'>, options: SetupOptions = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const { adminUrl } = config.database;
  const { owner, app, database } = rolesAndDatabase(config.database);

  await assertReachable(adminUrl);
  await withClient(adminUrl, (admin) =>
    // Roles are cluster-wide and CREATE DATABASE cannot run in a transaction: serialize setups.
    withAdvisoryLock(admin, 'omni:db:setup', async () => {
      log(await ensureRole(admin, owner));
      log(await ensureRole(admin, app));
      log(await ensureDatabase(admin, database, owner.name, app.name));
      await withClient(withDatabase(adminUrl, database), async (client) => {
        for (const line of await grantSchemaPrivileges(client, owner.name, app.name)) log(line);
      });
    }),
  );
}

function rolesAndDatabase(db: Config['database']): { owner: RoleSpec; app: RoleSpec; database: string } {
  const appUrl = parseDatabaseUrl(db.url);
  const ownerUrl = parseDatabaseUrl(db.ownerUrl);
  if (appUrl.database !== ownerUrl.database) {
    throw new DbScriptError(
      `DATABASE_URL (${appUrl.database}) and DATABASE_OWNER_URL (${ownerUrl.database}) must name the same database`,
    );
  }
  if (appUrl.user === ownerUrl.user) {
    throw new DbScriptError('DATABASE_URL and DATABASE_OWNER_URL must use different roles (row-level security relies on it)');
  }
  return {
    owner: {
      name: ownerUrl.user,
      password: ownerUrl.password,
      attributes: 'LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION',
    },
    app: {
      name: appUrl.user,
      password: appUrl.password,
      attributes: 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION',
    },
    database: appUrl.database,
  };
}

async function ensureRole(admin: pg.Client, role: RoleSpec): Promise<string> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  const password = role.password === undefined ? '' : ` PASSWORD ${literal(role.password)}`;
  if (exists.rowCount) {
    await admin.query(`ALTER ROLE ${ident(role.name)} ${role.attributes}${password}`);
    return `role ${role.name}: exists, attributes ensured (${role.attributes})`;
  }
  await admin.query(`CREATE ROLE ${ident(role.name)} ${role.attributes}${password}`);
  return `role ${role.name}: created (${role.attributes})`;
}

async function ensureDatabase(admin: pg.Client, database: string, owner: string, app: string): Promise<string> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  const verb = exists.rowCount ? 'exists' : 'created';
  if (exists.rowCount) {
    await admin.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(owner)}`);
  } else {
    await admin.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(owner)}`);
  }
  // By default every role may connect and create temporary tables; the app only needs to connect.
  await admin.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
  await admin.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(app)}`);
  return `database ${database}: ${verb}, owned by ${owner}, CONNECT granted to ${app} only`;
}

/**
 * Runs inside the target database. Default privileges make every table, sequence and function
 * the owner creates later (in migrations) usable by the app role without per-table GRANTs;
 * migrations narrow them where a table needs less (e.g. no DELETE).
 */
async function grantSchemaPrivileges(client: pg.Client, owner: string, app: string): Promise<string[]> {
  const o = ident(owner);
  const a = ident(app);
  const statements = [
    `ALTER SCHEMA public OWNER TO ${o}`,
    'REVOKE ALL ON SCHEMA public FROM PUBLIC',
    `GRANT USAGE ON SCHEMA public TO ${a}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${a}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} GRANT USAGE, SELECT ON SEQUENCES TO ${a}`,
    // Functions are executable by PUBLIC unless revoked; only the app role should call ours.
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} GRANT EXECUTE ON FUNCTIONS TO ${a}`,
  ];
  await client.query('BEGIN');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  return [
    `schema public: owned by ${owner}, PUBLIC revoked, USAGE granted to ${app}`,
    `default privileges for ${owner}: ${app} gets SELECT/INSERT/UPDATE/DELETE on tables, USAGE/SELECT on sequences, EXECUTE on functions`,
  ];
}

if (isMainModule(import.meta.url)) {
  runCli('db:setup', (config) => setupDatabase(config, { log: (line) => console.log(line) }));
}
