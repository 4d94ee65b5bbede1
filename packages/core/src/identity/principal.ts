// Who is calling. Built by the gateway from a verified access token or API key only, then carried
// to subgraphs inside the signed internal context; never taken from client-sent headers.
import { z } from 'zod';
import { PERMISSIONS, permissionsOfRole, type Permission } from './permissions.js';

export const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Modules a tenant can switch on or off. Auth is the platform itself and always on. */
export const MODULES = ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] as const;
export type ModuleName = (typeof MODULES)[number];
/** The modules a company can switch off (auth cannot be). */
export const OPTIONAL_MODULES = ['chat', 'crm', 'erp', 'knowledge', 'ai'] as const satisfies readonly ModuleName[];
export type OptionalModule = (typeof OPTIONAL_MODULES)[number];

const modules = z.array(z.enum(MODULES));

/** A person signed in to one company through one session. */
export const userPrincipalSchema = z.object({
  kind: z.literal('user'),
  userId: z.uuid(),
  companyId: z.uuid(),
  /** The current role, as the gateway last checked it (not necessarily the token's). */
  role: z.enum(ROLES),
  sessionId: z.uuid(),
  /** Modules switched on for the company at the time of the request. */
  modules,
});

/** A partner integration calling with an API key of a service account. */
export const apiKeyPrincipalSchema = z.object({
  kind: z.literal('apiKey'),
  apiKeyId: z.uuid(),
  serviceAccountId: z.uuid(),
  companyId: z.uuid(),
  scopes: z.array(z.enum(PERMISSIONS)),
  modules,
});

export const principalSchema = z.discriminatedUnion('kind', [userPrincipalSchema, apiKeyPrincipalSchema]);

export type UserPrincipal = z.infer<typeof userPrincipalSchema>;
export type ApiKeyPrincipal = z.infer<typeof apiKeyPrincipalSchema>;
export type Principal = z.infer<typeof principalSchema>;

const rank: Record<Role, number> = { OWNER: 4, ADMIN: 3, MEMBER: 2, VIEWER: 1 };

/** True when `role` is at least as privileged as `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** What the principal may do: its role's permissions, or an API key's scopes. */
export function permissionsOf(principal: Principal): readonly Permission[] {
  return principal.kind === 'user' ? permissionsOfRole(principal.role) : principal.scopes;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return permissionsOf(principal).includes(permission);
}

/** The acting user's id, or null for API keys (used for row-level security's app.user_id). */
export function actingUserId(principal: Principal): string | null {
  return principal.kind === 'user' ? principal.userId : null;
}
