// Loads a subgraph's SDL: the platform's shared types plus the module's own `.graphql` files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type DocumentNode } from 'graphql';

export const COMMON_SCHEMA_FILE = fileURLToPath(new URL('../../graphql/common.graphql', import.meta.url));

export function loadSubgraphTypeDefs(schemaDir: string): DocumentNode {
  const files = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => join(schemaDir, f));
  return parse([COMMON_SCHEMA_FILE, ...files].map((f) => readFileSync(f, 'utf8')).join('\n'));
}
