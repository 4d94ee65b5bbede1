// The whole platform in one test process: every real subgraph and the real gateway on free
// loopback ports, wired the way `pnpm dev` wires them (committed supergraph, JWKS from Auth).
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

/** The committed supergraph's shape, composed in the test with the extra subgraphs. */
function composeWith(authUrl: string, extra: NonNullable<PlatformOptions['extraSubgraphs']>): string {
  const result = composeServices([{ name: 'auth', url: `${authUrl}/graphql`, typeDefs: loadSubgraphTypeDefs(AUTH_SCHEMA_DIR) }, ...extra]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const auth: RunningService = await createAuthSubgraph(testConfig());
  const authPort = await auth.listen(0, '127.0.0.1');
  const authUrl = `http://127.0.0.1:${authPort}`;
  const config = testConfig({
    SUBGRAPH_AUTH_URL: `${authUrl}/graphql`,
    AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
    ...options.gatewayEnv,
  });
  const supergraphSdl = options.extraSubgraphs ? composeWith(authUrl, options.extraSubgraphs) : undefined;
  const gateways: Gateway[] = [];
  const gatewayUrls: string[] = [];
  for (let i = 0; i < (options.gateways ?? 1); i += 1) {
    const gateway = await createGateway(config, supergraphSdl ? { supergraphSdl } : {});
    gateways.push(gateway);
    gatewayUrls.push(`http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}`);
  }
  const gatewayUrl = gatewayUrls[0]!;
  return {
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
    async stop() {
      await Promise.all(gateways.map((g) => g.stop()));
      await auth.stop();
    },
  };
}
