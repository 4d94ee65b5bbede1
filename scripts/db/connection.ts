// Small helpers the database scripts share: reading role and database names out of connection
// URLs, running SQL on one short-lived connection, and turning driver errors into one line.
import pg from 'pg';

export interface UrlParts {
  /** Role the URL logs in as. */
  user: string;
  password: string | undefined;
  /** Database the URL connects to. */
  database: string;
}

export function parseDatabaseUrl(url: string): UrlParts {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!user) throw new Error(`database URL names no user: ${redactUrl(url)}`);
  if (!database) throw new Error(`database URL names no database: ${redactUrl(url)}`);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return { user, password, database };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Runs `fn` on one connection and always closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server-side disconnect while idle must not crash the script with an unhandled 'error' event.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Holds a PostgreSQL advisory lock (scoped to the connected database) while `fn` runs, so two
 * processes doing the same setup or migration wait for each other instead of racing.
 */
export async function withAdvisoryLock<T>(client: pg.Client, name: string, fn: () => Promise<T>): Promise<T> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
  try {
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => {});
  }
}

/** A thrown error that the CLIs print as a single line, without a stack. */
export class DbScriptError extends Error {
  override name = 'DbScriptError';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

/** One line describing why connecting to `url` failed, with a hint where one helps. */
export function describeConnectionError(err: unknown, url: string): string {
  const where = redactUrl(url);
  const code = (err as { code?: unknown }).code;
  const message = firstLine(err);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return `cannot reach PostgreSQL at ${where} (${code}); is the server running?`;
  }
  if (code === '3D000' || code === '28000' || code === '28P01') {
    return `cannot connect to ${where}: ${message} (run \`pnpm db:setup\` first?)`;
  }
  return `cannot connect to ${where}: ${message}`;
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim().split('\n')[0] ?? text;
}

/** Connects once to prove the database is there, so later failures are about something else. */
export async function assertReachable(url: string): Promise<void> {
  try {
    await withClient(url, async (client) => {
      await client.query('SELECT 1');
    });
  } catch (err) {
    throw new DbScriptError(describeConnectionError(err, url));
  }
}
