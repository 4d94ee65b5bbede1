// Inputs of the API-key operations, and the mapping between the schema's Permission enum and the
// platform's permission names: MEMBERS_READ <-> members:read (`:` becomes `_`, upper-cased).
import { PERMISSIONS, type Permission } from '@omni/core';
import { z } from 'zod';
import { displayName } from '../common/fields.js';
import type { Permission as PermissionValue } from '../generated/resolvers.js';

export function permissionValue(permission: Permission): PermissionValue {
  return permission.replace(':', '_').toUpperCase() as PermissionValue;
}

const permissionsByValue = new Map<string, Permission>(PERMISSIONS.map((p) => [permissionValue(p), p]));

const permission = z.string().transform((value, ctx) => {
  const name = permissionsByValue.get(value);
  if (!name) ctx.addIssue({ code: 'custom', message: 'must be a Permission' });
  return name ?? z.NEVER;
});

export const createServiceAccountInputSchema = z.object({ name: displayName(200) });

export const createApiKeyInputSchema = z.object({
  serviceAccountId: z.uuid('must be a service account id'),
  name: displayName(200),
  scopes: z
    .array(permission)
    .min(1, 'must name at least one permission')
    .max(PERMISSIONS.length * 2, 'lists too many permissions')
    .transform((scopes) => [...new Set(scopes)]),
  expiresAt: z
    .iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time' })
    .nullish()
    .transform((value) => (value ? new Date(value) : null))
    .refine((date) => date === null || date.getTime() > Date.now(), 'must be in the future'),
});

export const revokeApiKeyInputSchema = z.object({ id: z.uuid('must be an API key id') });

/** The position in the serviceAccounts list a cursor stands for. */
export const serviceAccountCursorSchema = z
  .object({ createdAt: z.iso.datetime(), id: z.uuid() })
  .transform((key) => ({ createdAt: new Date(key.createdAt), id: key.id }));

export type CreateServiceAccountInput = z.output<typeof createServiceAccountInputSchema>;
export type CreateApiKeyInput = z.output<typeof createApiKeyInputSchema>;
export type RevokeApiKeyInput = z.output<typeof revokeApiKeyInputSchema>;
export type ServiceAccountCursor = z.output<typeof serviceAccountCursorSchema>;
