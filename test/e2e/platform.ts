// The whole platform in one test process: every real subgraph and the real gateway on free
// loopback ports, wired the way `pnpm dev` wires them (committed supergraph, JWKS from Auth).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { loadSubgraphTypeDefs, type Config, type RunningService } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import type { DocumentNode } from 'graphql';
import { createGateway, type Gateway } from '../../gateway/src/server.js';
import { createAuthSubgraph } from '../../subgraphs/auth/src/server.js';

export interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/** A person who signed up through the gateway: owner of a new company, with Auth's tokens. */
export interface Account {
  token: string;
  userId: string;
  companyId: string;
  email: string;
  password: string;
}

export interface Platform {
  config: Config;
  gatewayUrl: string;
  /** Every gateway started, sharing Redis like replicas behind a load balancer; [0] is gatewayUrl. */
  gatewayUrls: string[];
  authUrl: string;
  graphql<T = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string>; gateway?: number },
  ): Promise<{ status: number; headers: Headers; body: GraphQLBody<T> }>;
  /**
   * Starts one more gateway on the same supergraph, its environment overridden by `env` (e.g. a
   * REDIS_URL where nothing listens, another AUTH_JWKS_URL); resolves with its index for
   * `graphql(…, { gateway })`. It stops with the platform.
   */
  addGateway(env?: Record<string, string>): Promise<number>;
  /** Signs up a new company through gateway 0 (the real signUp mutation). */
  signUp(): Promise<Account>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** How many gateways to start (default 1). */
  gateways?: number;
  /** Extra environment for the gateways, e.g. API_KEY_RATE_LIMIT_PER_MINUTE. */
  gatewayEnv?: Record<string, string>;
  /** Subgraphs composed next to Auth instead of the committed supergraph (e.g. a test subgraph). */
  extraSubgraphs?: Array<{ name: string; url: string; typeDefs: DocumentNode }>;
}

const AUTH_SCHEMA_DIR = fileURLToPath(new URL('../../subgraphs/auth/src/schema', import.meta.url));
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken user { id company { id } } } } }`;

/** The committed supergraph's shape, composed in the test with the extra subgraphs. */
function composeWith(authUrl: string, extra: NonNullable<PlatformOptions['extraSubgraphs']>): string {
  const result = composeServices([{ name: 'auth', url: `${authUrl}/graphql`, typeDefs: loadSubgraphTypeDefs(AUTH_SCHEMA_DIR) }, ...extra]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  // Abuse-limit counters of this platform only: every e2e request comes from 127.0.0.1, so test
  // files (and reruns) would otherwise share one IP's log-in budget.
  const auth: RunningService = await createAuthSubgraph(testConfig(), { abuse: { prefix: `test:${randomUUID()}:abuse` } });
  const authPort = await auth.listen(0, '127.0.0.1');
  const authUrl = `http://127.0.0.1:${authPort}`;
  const gatewayEnv = {
    SUBGRAPH_AUTH_URL: `${authUrl}/graphql`,
    AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
    ...options.gatewayEnv,
  };
  const config = testConfig(gatewayEnv);
  const supergraphSdl = options.extraSubgraphs ? composeWith(authUrl, options.extraSubgraphs) : undefined;
  const gateways: Gateway[] = [];
  const gatewayUrls: string[] = [];
  const addGateway = async (env: Record<string, string> = {}) => {
    const gateway = await createGateway(testConfig({ ...gatewayEnv, ...env }), supergraphSdl ? { supergraphSdl } : {});
    gateways.push(gateway);
    gatewayUrls.push(`http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}`);
    return gatewayUrls.length - 1;
  };
  for (let i = 0; i < (options.gateways ?? 1); i += 1) await addGateway();
  const gatewayUrl = gatewayUrls[0]!;
  const platform: Platform = {
    config,
    gatewayUrl,
    gatewayUrls,
    authUrl,
    async graphql(query, { variables, token, headers = {}, gateway = 0 } = {}) {
      const response = await fetch(`${gatewayUrls[gateway]}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as never };
    },
    addGateway,
    async signUp() {
      const tag = randomUUID();
      const input = { companyName: `Co ${tag}`, name: 'Person', email: `p-${tag}@example.test`, password: `password-${tag}` };
      const { body } = await platform.graphql<{ signUp: { accessToken: string; user: { id: string; company: { id: string } } } }>(SIGN_UP, { variables: { input } });
      const result = body.data?.signUp;
      if (!result?.accessToken) throw new Error(`signUp failed: ${JSON.stringify(body)}`);
      return { token: result.accessToken, userId: result.user.id, companyId: result.user.company.id, email: input.email, password: input.password };
    },
    async stop() {
      await Promise.all(gateways.map((g) => g.stop()));
      await auth.stop();
    },
  };
  return platform;
}
