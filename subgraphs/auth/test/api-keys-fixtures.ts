// Fixtures for the API-key tests: the operations, a company owner with a service account, keys
// made through the real mutations, and readers for what was stored.
import type { Principal } from '@omni/core';
import { principalFrom, signUp, type AuthHarness } from './harness.js';
import { resultOf } from './members-fixtures.js';

export const CREATE_SERVICE_ACCOUNT = /* GraphQL */ `
  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {
    createServiceAccount(input: $input) {
      __typename
      ... on ServiceAccount { id name createdAt disabledAt apiKeys { id } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const CREATE_API_KEY = /* GraphQL */ `
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on ApiKeyCreated { secret key { id name prefix scopes createdAt expiresAt lastUsedAt revokedAt serviceAccount { id name } } }
      ... on ScopesNotHeld { scopes }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const REVOKE_API_KEY = /* GraphQL */ `
  mutation RevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      __typename
      ... on ApiKey { id revokedAt }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const SERVICE_ACCOUNTS = /* GraphQL */ `
  query ServiceAccounts($first: Int, $after: String) {
    serviceAccounts(first: $first, after: $after) {
      edges { cursor node { id name apiKeys { id prefix scopes revokedAt } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface CreatedKey {
  secret: string;
  key: { id: string; name: string; prefix: string; scopes: string[]; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null };
}

export interface Owner {
  companyId: string;
  principal: Principal;
  serviceAccountId: string;
}

/** A new company's owner and a service account of that company. */
export async function ownerWithServiceAccount(auth: AuthHarness): Promise<Owner> {
  const { payload } = await signUp(auth);
  const principal = await principalFrom(auth, payload.accessToken);
  const account = resultOf<{ id: string }>(await auth.call(CREATE_SERVICE_ACCOUNT, { input: { name: 'Partner sync' } }, principal), 'createServiceAccount');
  return { companyId: payload.user.company.id, principal, serviceAccountId: account.id };
}

/** Creates a key through the mutation (fails the test otherwise). */
export async function createKey(auth: AuthHarness, owner: Owner, input: { scopes?: string[]; expiresAt?: string | null } = {}): Promise<CreatedKey> {
  const variables = { input: { serviceAccountId: owner.serviceAccountId, name: 'CI key', scopes: input.scopes ?? ['MEMBERS_READ'], expiresAt: input.expiresAt ?? null } };
  const result = resultOf<CreatedKey & { __typename: string }>(await auth.call(CREATE_API_KEY, variables, owner.principal), 'createApiKey');
  if (result.__typename !== 'ApiKeyCreated') throw new Error(`createApiKey failed: ${JSON.stringify(result)}`);
  return result;
}

export async function countRows(auth: AuthHarness, table: 'ApiKey' | 'ServiceAccount', companyId: string): Promise<number> {
  const [row] = await auth.sql<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE "companyId" = $1`, [companyId]);
  return Number(row?.n);
}
