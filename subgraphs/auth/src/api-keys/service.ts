// Service accounts and their API keys. The rules: a key's scopes are a subset of what its creator
// holds; the key is returned once and only its SHA-256 is stored; every change is audited in the
// same transaction; a revocation reaches the gateway (principal state) right after commit.
import { randomUUID } from 'node:crypto';
import { byKeys, type Connection, createScopedToken, isUniqueViolation, type Permission, permissionsOf, type RequestContext, requirePrincipal, toConnection } from '@omni/core';
import { recordAudit } from '../audit/recorder.js';
import { publishAfterCommit } from '../common/after-commit.js';
import type { PageArgs } from '../common/page-args.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import {
  API_KEYS_PER_ACCOUNT,
  findApiKeysOfAccounts,
  findServiceAccountsByIds,
  insertApiKey,
  insertServiceAccount,
  listServiceAccounts,
  revokeApiKeyRow,
  type ApiKeyRecord,
  type ServiceAccountRecord,
} from './repository.js';
import type { CreateApiKeyInput, CreateServiceAccountInput, RevokeApiKeyInput, ServiceAccountCursor } from './validation.js';

export const API_KEY_PREFIX = 'omk_';
/**
 * `omk_` and the next 30 characters: shown in lists, safe to log. The key starts with the company
 * id (22 characters) and then the key id, so 30 characters name one key uniquely while carrying
 * none of the secret part.
 */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 30;

type Failure<T extends string, C extends string> = { __typename: T; code: C; message: string };
export type ServiceAccountNameTaken = Failure<'ServiceAccountNameTaken', 'CONFLICT'>;
export type ServiceAccountNotFound = Failure<'ServiceAccountNotFound', 'NOT_FOUND'>;
export type ApiKeyNotFound = Failure<'ApiKeyNotFound', 'NOT_FOUND'>;
export type ScopesNotHeld = Failure<'ScopesNotHeld', 'FORBIDDEN'> & { scopes: Permission[] };
export interface ApiKeyCreated {
  __typename: 'ApiKeyCreated';
  key: ApiKeyRecord;
  secret: string;
}

export interface ApiKeyServiceDeps {
  state: PrincipalStatePublisher;
}

export class ApiKeyService {
  constructor(private readonly deps: ApiKeyServiceDeps) {}

  async createServiceAccount(ctx: RequestContext, input: CreateServiceAccountInput): Promise<(ServiceAccountRecord & { __typename: 'ServiceAccount' }) | ServiceAccountNameTaken> {
    const principal = requirePrincipal(ctx);
    try {
      const account = await ctx.db.run(async (tx) => {
        const row = await insertServiceAccount(tx, { id: randomUUID(), companyId: principal.companyId, name: input.name, createdById: actorId(ctx) });
        await recordAudit(tx, row.companyId, { action: 'SERVICE_ACCOUNT_CREATED', actor: principal, target: { type: 'ServiceAccount', id: row.id }, client: ctx.client, metadata: { name: row.name } });
        return row;
      });
      return { __typename: 'ServiceAccount', ...account };
    } catch (error) {
      // The only unique value a caller chooses is the name (per company).
      if (!isUniqueViolation(error)) throw error;
      return { __typename: 'ServiceAccountNameTaken', code: 'CONFLICT', message: 'Another service account of this company has this name.' };
    }
  }

  async serviceAccounts(ctx: RequestContext, { first, after }: PageArgs<ServiceAccountCursor>): Promise<Connection<ServiceAccountRecord>> {
    const rows = await ctx.db.run((tx) => listServiceAccounts(tx, first + 1, after));
    return toConnection(rows, first, (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }));
  }

  async createApiKey(ctx: RequestContext, input: CreateApiKeyInput): Promise<ApiKeyCreated | ServiceAccountNotFound | ScopesNotHeld> {
    const principal = requirePrincipal(ctx);
    const held = permissionsOf(principal);
    const notHeld = input.scopes.filter((scope) => !held.includes(scope));
    if (notHeld.length > 0) {
      return { __typename: 'ScopesNotHeld', code: 'FORBIDDEN', message: 'A key may only get permissions you hold.', scopes: notHeld };
    }
    const created = await ctx.db.run(async (tx) => {
      const [account] = await findServiceAccountsByIds(tx, [input.serviceAccountId]);
      if (!account || account.disabledAt) return null;
      const id = randomUUID();
      // The key names its company and itself, so the gateway can find it under row-level security.
      const { token, hash } = createScopedToken(API_KEY_PREFIX, [account.companyId, id]);
      const key = await insertApiKey(tx, {
        id,
        companyId: account.companyId,
        serviceAccountId: account.id,
        name: input.name,
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        keyHash: hash,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        createdById: actorId(ctx),
      });
      await recordAudit(tx, key.companyId, {
        action: 'API_KEY_CREATED',
        actor: principal,
        target: { type: 'ApiKey', id },
        client: ctx.client,
        metadata: { serviceAccountId: account.id, prefix: key.prefix, scopes: key.scopes.join(' ') },
      });
      return { key, secret: token };
    });
    if (!created) return { __typename: 'ServiceAccountNotFound', code: 'NOT_FOUND', message: 'No such service account in this company.' };
    return { __typename: 'ApiKeyCreated', ...created };
  }

  async revokeApiKey(ctx: RequestContext, input: RevokeApiKeyInput): Promise<(ApiKeyRecord & { __typename: 'ApiKey' }) | ApiKeyNotFound> {
    const principal = requirePrincipal(ctx);
    const revoked = await ctx.db.run(async (tx) => {
      const result = await revokeApiKeyRow(tx, input.id, new Date());
      if (result?.changed) {
        await recordAudit(tx, result.key.companyId, { action: 'API_KEY_REVOKED', actor: principal, target: { type: 'ApiKey', id: input.id }, client: ctx.client, metadata: { prefix: result.key.prefix } });
      }
      return result;
    });
    if (!revoked) return { __typename: 'ApiKeyNotFound', code: 'NOT_FOUND', message: 'No such API key in this company.' };
    // After commit, also for an already revoked key: the gateway must refuse it from now on.
    await publishAfterCommit(ctx.logger, 'apiKey', () => this.deps.state.apiKey(revoked.keyHash, { status: 'invalid' }));
    return { __typename: 'ApiKey', ...revoked.key };
  }

  /** The keys of a service account, newest first, batched across the request. */
  async keysOf(ctx: RequestContext, serviceAccountId: string): Promise<ApiKeyRecord[]> {
    const loader = ctx.loaders.get<string, ApiKeyRecord[]>('apiKeysByServiceAccount', async (ids) => {
      const rows = await ctx.db.run((tx) => findApiKeysOfAccounts(tx, ids));
      return ids.map((id) => rows.filter((row) => row.serviceAccountId === id).slice(0, API_KEYS_PER_ACCOUNT));
    });
    return (await loader.load(serviceAccountId)) ?? [];
  }

  async serviceAccountById(ctx: RequestContext, id: string): Promise<ServiceAccountRecord | null> {
    const loader = ctx.loaders.get<string, ServiceAccountRecord>('serviceAccountById', async (ids) =>
      byKeys(ids, await ctx.db.run((tx) => findServiceAccountsByIds(tx, ids)), (row) => row.id),
    );
    return loader.load(id);
  }
}

/** The acting person (shield's isUser guarantees one on every API-key operation). */
function actorId(ctx: RequestContext): string {
  const principal = requirePrincipal(ctx);
  if (principal.kind !== 'user') throw new Error('API-key operations are for people; the isUser rule should have refused this');
  return principal.userId;
}
