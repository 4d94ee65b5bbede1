// Prisma's schema engine (migrations, diffs) as WebAssembly, so no native binary is downloaded.
// The package's entry point imports the .wasm file as an ES module, which Node 20 refuses, so the
// module is instantiated here by hand; the JS glue (schema_engine_bg.js) is used as published.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

/** No tables or enums are managed outside Prisma. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/** The slice of the WebAssembly global used here (tsconfig's lib has no DOM typings for it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The wasm glue keeps one module instance in a module-level variable: instantiate it once. */
let loading: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const module = await wasmApi.compile(bytes);
    const instance = new wasmApi.Instance(module, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
  })();
  return loading;
}

export interface OpenedEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its database connections. */
  close(): Promise<void>;
}

/**
 * Opens the engine on a real database, acting as whoever the URL names. The pool is created here
 * (not by the adapter) so `close` can end it: a freed engine does not close connections itself.
 */
export async function openEngine(url: string, onLog: (line: string) => void = ignore): Promise<OpenedEngine> {
  await loadWasm();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', ignore); // an idle connection dropped by the server is not worth a crash
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(withAtomicScripts(new PrismaPg(pool), pool));
    const engine = await glue.SchemaEngine.new({ datamodels: undefined }, onLog, adapter);
    return {
      engine,
      close: async () => {
        engine.free();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/**
 * Opens the engine with no database, for `diff` between two Prisma schemas: that needs no data,
 * only the engine's start-up probe answered. Any other query fails loudly instead of guessing.
 */
export async function openOfflineEngine(onLog: (line: string) => void = ignore): Promise<OpenedEngine> {
  await loadWasm();
  const adapter = bindMigrationAwareSqlAdapterFactory(offlineFactory);
  const engine = await glue.SchemaEngine.new({ datamodels: undefined }, onLog, adapter);
  return { engine, close: async () => engine.free() };
}

function ignore(): void {}

/**
 * @prisma/adapter-pg 7.10 runs a script by splitting it on ";" and sending the pieces one by one.
 * That breaks function bodies and string literals containing ";" and leaves a failed migration
 * half-applied. Send the whole script as one simple query instead, as the native engine does:
 * PostgreSQL runs it as a single implicit transaction, so a failing migration changes nothing.
 */
function withAtomicScripts(factory: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      adapter.executeScript = (script) => runScript(pool, script);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

async function runScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script); // no parameters: simple query protocol, several statements allowed
  } catch (err) {
    // Report database errors the way the adapter does, so the engine shows their message.
    if (err instanceof pg.DatabaseError) {
      throw new DriverAdapterError({
        kind: 'postgres',
        code: err.code ?? 'XX000',
        severity: err.severity ?? 'ERROR',
        message: err.message,
        detail: err.detail,
        column: err.column,
        hint: err.hint,
      });
    }
    throw err;
  }
}

/** The server the offline engine pretends to talk to: the version this project runs on. */
const OFFLINE_SERVER = { version: 'PostgreSQL 15 (offline schema engine)', versionNum: 150000 };

class OfflineError extends Error {
  constructor(sql: string) {
    super(`the offline schema engine has no database; it was asked to run: ${sql.slice(0, 120)}`);
  }
}

const offlineAdapter: SqlDriverAdapter = {
  provider: 'postgres',
  adapterName: 'omni-offline',
  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    // The engine's start-up probe: does schema "public" exist, which server version is this.
    if (query.sql.includes('server_version_num')) {
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, OFFLINE_SERVER.version, OFFLINE_SERVER.versionNum]],
      };
    }
    throw new OfflineError(query.sql);
  },
  async executeRaw(query: SqlQuery): Promise<number> {
    throw new OfflineError(query.sql);
  },
  async executeScript(script: string): Promise<void> {
    throw new OfflineError(script);
  },
  async startTransaction(): Promise<never> {
    throw new OfflineError('BEGIN');
  },
  async dispose(): Promise<void> {},
};

const offlineFactory: SqlMigrationAwareDriverAdapterFactory = {
  provider: 'postgres',
  adapterName: 'omni-offline',
  connect: async () => offlineAdapter,
  connectToShadowDb: async () => offlineAdapter,
};
