// The whole platform in one test process: every real subgraph and the real gateway on free
// loopback ports, wired the way `pnpm dev` wires them (committed supergraph, JWKS from Auth).
import type { Config, RunningService } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { createGateway, type Gateway } from '../../gateway/src/server.js';
import { createAuthSubgraph } from '../../subgraphs/auth/src/server.js';

export interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

export interface Platform {
  config: Config;
  gatewayUrl: string;
  authUrl: string;
  graphql<T = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: GraphQLBody<T> }>;
  stop(): Promise<void>;
}

export async function startPlatform(): Promise<Platform> {
  const auth: RunningService = await createAuthSubgraph(testConfig());
  const authPort = await auth.listen(0, '127.0.0.1');
  const authUrl = `http://127.0.0.1:${authPort}`;
  const config = testConfig({
    SUBGRAPH_AUTH_URL: `${authUrl}/graphql`,
    AUTH_JWKS_URL: `${authUrl}/.well-known/jwks.json`,
  });
  const gateway: Gateway = await createGateway(config);
  const gatewayUrl = `http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}`;
  return {
    config,
    gatewayUrl,
    authUrl,
    async graphql(query, { variables, token, headers = {} } = {}) {
      const response = await fetch(`${gatewayUrl}/graphql`, {
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
      await gateway.stop();
      await auth.stop();
    },
  };
}
