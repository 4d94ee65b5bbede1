// Starts the gateway in-process on a free port against the test subgraphs, with a supergraph
// composed from the fixture, and offers small HTTP helpers for the tests.
import type { Config, Redis } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { createGateway, type Gateway } from '../../src/server.js';
import { startAuthStandIn, type AuthStandIn } from './auth-stand-in.js';
import { composeFixture } from './fixture-supergraph.js';
import { startLegacySubgraph, startOmniSubgraph, type LegacySubgraph, type OmniSubgraph } from './test-subgraphs.js';
import { AUDIENCE, ISSUER, startTokenIssuer, type TokenIssuer } from './token-issuer.js';

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
  jwksUrl: string;
  /** Where the gateway asks for principal state on a cache miss (the Auth stand-in). */
  authInternalUrl: string;
  env?: Record<string, string>;
  /** A Redis connection of the test's choosing (e.g. one that is down); the test closes it. */
  redis?: Redis;
}): Promise<RunningGateway> {
  const config = testConfig({
    AUTH_JWKS_URL: options.jwksUrl,
    AUTH_INTERNAL_URL: options.authInternalUrl,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    CORS_ORIGINS: ALLOWED_ORIGIN,
    ...options.env,
  });
  const gateway = await createGateway(config, { supergraphSdl: composeFixture(options.upstreams), ...(options.redis ? { redis: options.redis } : {}) });
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
  issuer: TokenIssuer;
  auth: AuthStandIn;
  omni: OmniSubgraph;
  legacy: LegacySubgraph;
  gw: RunningGateway;
  stop(): Promise<void>;
}

/** Token issuer + Auth stand-in + both test subgraphs + a gateway in front of them. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const issuer = await startTokenIssuer();
  const subgraphConfig = testConfig();
  const auth = await startAuthStandIn(issuer, subgraphConfig.internalContext.secret);
  const omni = await startOmniSubgraph(subgraphConfig);
  const legacy = await startLegacySubgraph();
  const gw = await startGateway({ upstreams: { omni: omni.url, legacy: legacy.url }, jwksUrl: issuer.jwksUrl, authInternalUrl: auth.url, env });
  return {
    issuer,
    auth,
    omni,
    legacy,
    gw,
    async stop() {
      await gw.stop();
      await Promise.all([omni.stop(), legacy.stop(), issuer.close(), auth.close()]);
    },
  };
}
