// Shield rules of the API-key feature, merged into ../permissions.ts. Managing keys needs
// apikeys:manage AND a person: an API key can never mint, list or revoke keys, whatever its scopes.
import { and, can, isAuthenticated, isUser, type ShieldRule } from '@omni/core';

const manageApiKeys = and(isUser, can('apikeys:manage'));

const fields = (...names: string[]): Record<string, ShieldRule> => Object.fromEntries(names.map((name) => [name, manageApiKeys]));

export const apiKeyPermissions = {
  Query: { serviceAccounts: manageApiKeys },
  Mutation: { createServiceAccount: manageApiKeys, createApiKey: manageApiKeys, revokeApiKey: manageApiKeys },
  /** Object types, reached only through the fields above; checked again all the same. */
  types: {
    ServiceAccount: fields('id', 'name', 'createdAt', 'disabledAt', 'apiKeys'),
    ApiKey: fields('id', 'name', 'prefix', 'scopes', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt', 'serviceAccount'),
    ApiKeyCreated: fields('key', 'secret'),
    ServiceAccountConnection: fields('edges', 'pageInfo'),
    ServiceAccountEdge: fields('node', 'cursor'),
    ServiceAccountNameTaken: fields('code', 'message'),
    ServiceAccountNotFound: fields('code', 'message'),
    ApiKeyNotFound: fields('code', 'message'),
    ScopesNotHeld: fields('code', 'message', 'scopes'),
    // Shared by every connection; the connection fields themselves carry the real rules.
    PageInfo: { hasNextPage: isAuthenticated, endCursor: isAuthenticated },
  },
};
