// Operation limits, enforced at the gateway before any query planning or subgraph call
// (reference: security.md §1.5). graphql-armor supplies depth, alias, directive and cost rules
// and hides field suggestions; graphql-js's parser enforces the token limit itself.
import type { ApolloServerOptions, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';

export const LIMITS = {
  /** Measured client operations plus headroom; armor's default of 6 is too low for real UIs. */
  maxDepth: 12,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 50,
  maxCost: 5_000,
} as const;

type LimitOptions = Pick<
  ApolloServerOptions<BaseContext>,
  'validationRules' | 'parseOptions' | 'allowBatchedHttpRequests' | 'maxRecursiveSelections' | 'hideSchemaDetailsFromClientErrors'
> & { plugins: NonNullable<ApolloServerOptions<BaseContext>['plugins']> };

export function operationLimits(options: { exposeLimits: boolean; introspection: boolean }): LimitOptions {
  const { exposeLimits } = options;
  // Introspection documents are deep by nature; skip them only when introspection is allowed at
  // all, so with it off a `__schema` field counts like any other.
  const ignoreIntrospection = options.introspection;
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ignoreIntrospection, exposeLimits },
    maxAliases: { n: LIMITS.maxAliases, exposeLimits },
    maxDirectives: { n: LIMITS.maxDirectives, exposeLimits },
    costLimit: { maxCost: LIMITS.maxCost, ignoreIntrospection, exposeLimits },
    blockFieldSuggestion: { enabled: true },
    // Armor's token check throws from a plugin hook, which Apollo answers with HTTP 500; the
    // parser's own `maxTokens` (below) rejects the same documents as a 400 parse error.
    maxTokens: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    allowBatchedHttpRequests: false,
    // Bounds the work of validating fragment-explosion documents (10 M selections).
    maxRecursiveSelections: true,
    // Removes "Did you mean ...?" hints, which leak the schema even with introspection off.
    hideSchemaDetailsFromClientErrors: true,
  };
}
