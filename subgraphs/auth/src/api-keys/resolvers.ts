// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { AppError, isPermission } from '@omni/core';
import { parseInput } from '../common/input.js';
import { parsePageArgs } from '../common/page-args.js';
import type { Resolvers } from '../generated/resolvers.js';
import {
  createApiKeyInputSchema,
  createServiceAccountInputSchema,
  permissionValue,
  revokeApiKeyInputSchema,
  serviceAccountCursorSchema,
} from './validation.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const apiKeyResolvers: Resolvers = {
  Query: {
    serviceAccounts: (_parent, args, ctx) => ctx.auth.apiKeys.serviceAccounts(ctx, parsePageArgs(args, serviceAccountCursorSchema)),
  },
  Mutation: {
    createServiceAccount: async (_parent, { input }, ctx) => {
      const parsed = parseInput(createServiceAccountInputSchema, input);
      return parsed.ok ? ctx.auth.apiKeys.createServiceAccount(ctx, parsed.value) : parsed.failure;
    },
    createApiKey: async (_parent, { input }, ctx) => {
      const parsed = parseInput(createApiKeyInputSchema, input);
      if (!parsed.ok) return parsed.failure;
      const result = await ctx.auth.apiKeys.createApiKey(ctx, parsed.value);
      return result.__typename === 'ScopesNotHeld' ? { ...result, scopes: result.scopes.map(permissionValue) } : result;
    },
    revokeApiKey: async (_parent, { input }, ctx) => {
      const parsed = parseInput(revokeApiKeyInputSchema, input);
      return parsed.ok ? ctx.auth.apiKeys.revokeApiKey(ctx, parsed.value) : parsed.failure;
    },
  },
  ServiceAccount: {
    createdAt: (account) => account.createdAt.toISOString(),
    disabledAt: (account) => iso(account.disabledAt),
    apiKeys: (account, _args, ctx) => ctx.auth.apiKeys.keysOf(ctx, account.id),
  },
  ApiKey: {
    scopes: (key) => key.scopes.filter(isPermission).map(permissionValue),
    createdAt: (key) => key.createdAt.toISOString(),
    expiresAt: (key) => iso(key.expiresAt),
    lastUsedAt: (key) => iso(key.lastUsedAt),
    revokedAt: (key) => iso(key.revokedAt),
    serviceAccount: async (key, _args, ctx) => {
      const account = await ctx.auth.apiKeys.serviceAccountById(ctx, key.serviceAccountId);
      // Same company by construction; missing only if deleted mid-request.
      if (!account) throw new AppError('NOT_FOUND');
      return account;
    },
  },
};
