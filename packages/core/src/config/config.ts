// The platform's configuration, parsed once from the environment with zod.
// This is the only module that reads process.env (enforced by lint); everything else receives
// the typed object. Defaults suit a developer machine; production must set the secrets.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const csv = z
  .string()
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const databaseSchema = z.object({
  DATABASE_URL: z.url().default('postgresql://omni_app:omni_app@127.0.0.1:5432/omni'),
  DATABASE_OWNER_URL: z.url().default('postgresql://omni_owner:omni_owner@127.0.0.1:5432/omni'),
  DATABASE_ADMIN_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/postgres'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

const dataKeySchema = z.object({
  /** 32 random bytes, base64: encrypts secrets at rest (TOTP secrets, signing keys, queued mail). */
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
});

const schema = databaseSchema.extend(dataKeySchema.shape).extend({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),

  /** Shared secret the gateway signs internal contexts with (HS256, at least 32 characters). */
  INTERNAL_CONTEXT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  INTERNAL_CONTEXT_TTL_SECONDS: z.coerce.number().int().min(5).max(300).default(60),

  /** Where links in emails point (the web app). */
  PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
  /** SMTP server for outgoing mail, e.g. smtps://user:pass@smtp.example.com; unset: local mailbox. */
  SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  MAIL_FROM: z.string().default('OMNI Platform <no-reply@omni.local>'),
  /** Without SMTP_URL, mail is written here as .eml files for an operator to read. */
  MAILBOX_DIR: z.string().default('.omni/mailbox'),

  HOST: z.string().default('127.0.0.1'),
  PORT: port.optional(),

  GATEWAY_PORT: port.default(4000),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  CORS_ORIGINS: csv.default(['http://localhost:3000', 'http://localhost:5173']),
  INTROSPECTION: bool.optional(),
  SUPERGRAPH_PATH: z.string().default('supergraph.graphql'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  BODY_LIMIT: z.string().default('1mb'),
  /** Proxy hops in front of the gateway whose X-Forwarded-For is trusted (0: none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),

  AUTH_PORT: port.default(4001),
  AUTH_JWKS_URL: z.url().optional(),
  /** Where the gateway asks Auth for live principal state on a cache miss; default: the auth subgraph's origin. */
  AUTH_INTERNAL_URL: z.url().optional(),
  /** Requests per minute each API key may make through the gateway. */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  JWT_ISSUER: z.string().default('https://omni.local/auth'),
  JWT_AUDIENCE: z.string().default('omni-api'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(3600).default(30 * 24 * 3600),

  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  logLevel: Env['LOG_LEVEL'];
  database: {
    url: string;
    ownerUrl: string;
    adminUrl: string;
    poolSize: number;
    statementTimeoutMs: number;
  };
  redis: { url: string };
  internalContext: { secret: string; ttlSeconds: number };
  /** Key for encrypting secrets at rest (32 bytes). */
  dataEncryptionKey: Buffer;
  mail: { smtpUrl: string | undefined; from: string; mailboxDir: string; publicAppUrl: string };
  /** Interface subgraphs bind to; loopback unless an operator says otherwise. */
  host: string;
  gateway: {
    host: string;
    port: number;
    corsOrigins: string[];
    introspection: boolean;
    supergraphPath: string;
    subgraphTimeoutMs: number;
    bodyLimit: string;
    trustProxyHops: number;
    /** Overrides of the routing URLs composed into supergraph.graphql, by subgraph name. */
    subgraphUrls: Record<string, string>;
    jwksUrl: string;
    /** Base URL of Auth's internal endpoints; undefined: the auth subgraph's routing origin. */
    authInternalUrl: string | undefined;
    apiKeyRateLimitPerMinute: number;
  };
  auth: {
    port: number;
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Collects SUBGRAPH_<NAME>_URL variables, e.g. SUBGRAPH_AUTH_URL=http://10.0.0.5:4001/graphql. */
function subgraphUrlOverrides(source: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match?.[1] && value) urls[match[1].toLowerCase()] = value;
  }
  return urls;
}

function parse<T extends z.ZodType>(zodSchema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = zodSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

function databaseConfig(env: z.infer<typeof databaseSchema>): Config['database'] {
  return {
    url: env.DATABASE_URL,
    ownerUrl: env.DATABASE_OWNER_URL,
    adminUrl: env.DATABASE_ADMIN_URL,
    poolSize: env.DATABASE_POOL_SIZE,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  };
}

/** Only the database settings: for the database tools, which need no service secrets. */
export function loadDatabaseConfig(source: NodeJS.ProcessEnv = process.env): Pick<Config, 'database'> {
  return { database: databaseConfig(parse(databaseSchema, source)) };
}

/** Only the data encryption key: for tools that handle secrets at rest (pnpm auth:keys). */
export function loadDataEncryptionKey(source: NodeJS.ProcessEnv = process.env): Buffer {
  return Buffer.from(parse(dataKeySchema, source).DATA_ENCRYPTION_KEY, 'base64');
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = parse(schema, source);
  const isProduction = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    isProduction,
    logLevel: env.LOG_LEVEL,
    database: databaseConfig(env),
    redis: { url: env.REDIS_URL },
    internalContext: {
      secret: env.INTERNAL_CONTEXT_SECRET,
      ttlSeconds: env.INTERNAL_CONTEXT_TTL_SECONDS,
    },
    dataEncryptionKey: Buffer.from(env.DATA_ENCRYPTION_KEY, 'base64'),
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, mailboxDir: env.MAILBOX_DIR, publicAppUrl: env.PUBLIC_APP_URL },
    host: env.HOST,
    gateway: {
      host: env.GATEWAY_HOST,
      port: env.GATEWAY_PORT,
      corsOrigins: env.CORS_ORIGINS,
      introspection: env.INTROSPECTION ?? !isProduction,
      supergraphPath: env.SUPERGRAPH_PATH,
      subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
      bodyLimit: env.BODY_LIMIT,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      subgraphUrls: subgraphUrlOverrides(source),
      jwksUrl: env.AUTH_JWKS_URL ?? `http://127.0.0.1:${env.AUTH_PORT}/.well-known/jwks.json`,
      authInternalUrl: env.AUTH_INTERNAL_URL,
      apiKeyRateLimitPerMinute: env.API_KEY_RATE_LIMIT_PER_MINUTE,
    },
    auth: {
      port: env.AUTH_PORT,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
}
