// The static supergraph (composed in CI by `pnpm compose`, committed) and where its subgraphs
// live. A static file means the gateway starts even when a subgraph is down and never asks a
// live subgraph for its schema.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadinessCheck } from '@omni/core';
import { Kind, parse, type ConstDirectiveNode } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Reads SUPERGRAPH_PATH. A relative path means relative to the repository root, where
 * `pnpm compose` writes it, whatever the working directory: `pnpm dev` starts the gateway from
 * the root, `pnpm --filter @omni/gateway start` from gateway/.
 */
export function readSupergraph(path: string): string {
  return readFileSync(resolve(REPO_ROOT, path), 'utf8');
}

/**
 * The routing URL of a subgraph: the operator's SUBGRAPH_<NAME>_URL, else the composed one.
 * Throws at startup for a missing or malformed URL rather than failing every request later.
 */
export function routingUrl(endpoint: { name: string; url?: string }, overrides: Record<string, string>): string {
  const url = overrides[endpoint.name] ?? endpoint.url;
  if (!url || !URL.canParse(url)) throw new Error(`subgraph ${endpoint.name}: missing or invalid routing URL`);
  return url;
}

/** Subgraphs named in the supergraph's `join__Graph` enum, with URL overrides applied. */
export function subgraphEndpoints(supergraphSdl: string, overrides: Record<string, string> = {}): SubgraphEndpoint[] {
  const graphs = parse(supergraphSdl).definitions.find(
    (d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (graphs?.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error('supergraph has no join__Graph enum');
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const name = stringArgument(directive, 'name');
    const url = stringArgument(directive, 'url');
    if (!name || !url) throw new Error(`supergraph: join__Graph.${value.name.value} lacks name or url`);
    return { name, url: routingUrl({ name, url }, overrides) };
  });
}

function stringArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** One readiness check per subgraph: its own `/readyz` on the routing URL's origin. */
export function subgraphReadinessChecks(endpoints: SubgraphEndpoint[]): ReadinessCheck[] {
  return endpoints.map(({ name, url }) => ({
    name: `subgraph:${name}`,
    check: async () => {
      const response = await fetch(new URL('/readyz', url), { redirect: 'error', signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`subgraph ${name} not ready (${response.status})`);
    },
  }));
}
