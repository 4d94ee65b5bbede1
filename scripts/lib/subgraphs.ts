// Reads supergraph.yaml: the one list of subgraphs, their routing URLs and packages.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SubgraphEntry {
  name: string;
  routingUrl: URL;
  /** Entry point, by convention subgraphs/<name>/src/index.ts. */
  entry: string;
}

export function listSubgraphs(): SubgraphEntry[] {
  const doc = parse(readFileSync(`${ROOT}/supergraph.yaml`, 'utf8')) as {
    subgraphs: Record<string, { routing_url: string }>;
  };
  return Object.entries(doc.subgraphs).map(([name, entry]) => ({
    name,
    routingUrl: new URL(entry.routing_url),
    entry: `subgraphs/${name}/src/index.ts`,
  }));
}
