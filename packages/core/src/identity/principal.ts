// Who is calling. Built by the gateway from a verified access token only, then carried to
// subgraphs inside the signed internal context; never taken from client-sent headers.
import { z } from 'zod';

export const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Modules a tenant can switch on or off. Auth is the platform itself and always on. */
export const MODULES = ['auth', 'chat', 'crm', 'erp', 'knowledge', 'ai'] as const;
export type ModuleName = (typeof MODULES)[number];

export const principalSchema = z.object({
  kind: z.literal('user'),
  userId: z.uuid(),
  companyId: z.uuid(),
  role: z.enum(ROLES),
});

export type Principal = z.infer<typeof principalSchema>;

const rank: Record<Role, number> = { OWNER: 4, ADMIN: 3, MEMBER: 2, VIEWER: 1 };

/** True when `role` is at least as privileged as `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}
