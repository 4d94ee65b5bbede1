// Row-level security that `pnpm db:migration` appends for new tenant tables. A tenant table is
// any table with a "companyId" column; its rows are visible and writable only inside a
// transaction that set app.company_id to that company (see packages/core/src/db/database.ts).
// The setting is read with NULLIF(..., '') because after a transaction that set it commits, the
// pooled connection keeps it defined as '' (not NULL), and ''::uuid would raise an error.

/** The tenant id of the current transaction, NULL when none is set (so policies fail closed). */
export const CURRENT_COMPANY_ID = "NULLIF(current_setting('app.company_id', true), '')::uuid";
export const CURRENT_USER_ID = "NULLIF(current_setting('app.user_id', true), '')::uuid";

export interface CreatedTable {
  name: string;
  columns: string[];
  /** Column lists of the primary key and of every index created on it in the same script. */
  indexes: string[][];
}

/** Tables a Prisma-generated migration script creates, read from its CREATE TABLE statements. */
export function createdTables(sql: string): CreatedTable[] {
  const tables: CreatedTable[] = [];
  for (const match of sql.matchAll(/^CREATE TABLE "([^"]+)" \(\n([\s\S]*?)\n\);$/gm)) {
    const [, name = '', body = ''] = match;
    const columns = [...body.matchAll(/^\s+"([^"]+)" /gm)].map((m) => m[1] ?? '');
    const primaryKey = /PRIMARY KEY \(([^)]*)\)/.exec(body);
    const indexes = primaryKey?.[1] ? [quotedNames(primaryKey[1])] : [];
    tables.push({ name, columns, indexes });
  }
  for (const match of sql.matchAll(/^CREATE (?:UNIQUE )?INDEX "[^"]+" ON "([^"]+)"\(([^)]*)\);$/gm)) {
    tables.find((t) => t.name === match[1])?.indexes.push(quotedNames(match[2] ?? ''));
  }
  return tables;
}

function quotedNames(list: string): string[] {
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
}

export function isTenantTable(table: CreatedTable): boolean {
  return table.columns.includes('companyId');
}

/** Policies scan by companyId: a tenant table without an index led by it scans everything. */
export function lacksCompanyIndex(table: CreatedTable): boolean {
  return !table.indexes.some((columns) => columns[0] === 'companyId');
}

/** ENABLE + FORCE (so even the owner is filtered) and one policy for every command. */
export function tenantIsolationSql(table: string): string {
  const t = `"${table}"`;
  return [
    `-- RowLevelSecurity (added by pnpm db:migration): ${t} rows belong to the tenant in app.company_id`,
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY tenant_isolation ON ${t}`,
    `    USING ("companyId" = ${CURRENT_COMPANY_ID})`,
    `    WITH CHECK ("companyId" = ${CURRENT_COMPANY_ID});`,
  ].join('\n');
}
