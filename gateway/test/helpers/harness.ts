// Starts the gateway in-process on a free port against the test subgraphs, with a supergraph
// composed from the fixture, and offers small HTTP helpers for the tests.
//
// These gateways only ever see anonymous requests: everything that needs a credential (tokens,
// API keys, the live principal state, the JWKS) is tested against the real Auth subgraph in
// test/e2e. So Auth's JWKS and internal endpoints point at a port where nothing listens; a test
// that sent a credential here would get a 503, never a pass.
import type { Config } from '@omni/core';
import { freePort, testConfig } from '@omni/core/testing';
import { createGateway, type Gateway } from '../../src/server.js';
import { composeFixture } from './fixture-supergraph.js';
import { startLegacySubgraph, startOmniSubgraph, type LegacySubgraph, type OmniSubgraph } from './test-subgraphs.js';

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

export interface RunningGateway {
  gateway: Gateway;
  config: Config;
  origin: string;
  /** POST /graphql with JSON; returns status, headers and parsed body. */
  post(query: string, options?: { headers?: Record<string, string>; variables?: Record<string, unknown> }): Promise<{
    status: number;
    headers: Headers;
    body: GraphQLBody;
  }>;
  stop(): Promise<void>;
}

export const ALLOWED_ORIGIN = 'https://app.omni.test';

export async function startGateway(options: {
  upstreams: { omni: string; legacy: string };
  env?: Record<string, string>;
}): Promise<RunningGateway> {
  const noAuth = `http://127.0.0.1:${await freePort()}`;
  const config = testConfig({
    AUTH_JWKS_URL: `${noAuth}/.well-known/jwks.json`,
    AUTH_INTERNAL_URL: noAuth,
    CORS_ORIGINS: ALLOWED_ORIGIN,
    ...options.env,
  });
  const gateway = await createGateway(config, { supergraphSdl: composeFixture(options.upstreams) });
  const port = await gateway.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  return {
    gateway,
    config,
    origin,
    async post(query, { headers = {}, variables } = {}) {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
    },
    stop: () => gateway.stop(),
  };
}

export interface Stack {
  omni: OmniSubgraph;
  legacy: LegacySubgraph;
  gw: RunningGateway;
  stop(): Promise<void>;
}

/** Both test subgraphs and a gateway in front of them. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const omni = await startOmniSubgraph(testConfig());
  const legacy = await startLegacySubgraph();
  const gw = await startGateway({ upstreams: { omni: omni.url, legacy: legacy.url }, env });
  return {
    omni,
    legacy,
    gw,
    async stop() {
      await gw.stop();
      await Promise.all([omni.stop(), legacy.stop()]);
    },
  };
}
