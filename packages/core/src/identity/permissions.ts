// The platform's one permission vocabulary. Roles map to sets of permissions; API keys carry a
// subset as scopes. Every module's shield rules ask `can(<permission>)`, never for a role, so a
// role's reach is defined here and nowhere else.

export const PERMISSIONS = [
  // Auth: the company, its members and its settings.
  'company:read',
  'company:manage',
  'members:read',
  'members:invite',
  'members:manage',
  'owners:manage',
  'modules:manage',
  'apikeys:manage',
  'audit:read',
  // Business modules: read, or read and change.
  'chat:read',
  'chat:write',
  'crm:read',
  'crm:write',
  'erp:read',
  'erp:write',
  'knowledge:read',
  'knowledge:write',
  'ai:use',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_MODULES: Permission[] = ['chat:read', 'crm:read', 'erp:read', 'knowledge:read'];
const WRITE_MODULES: Permission[] = ['chat:write', 'crm:write', 'erp:write', 'knowledge:write', 'ai:use'];

const VIEWER: Permission[] = ['company:read', 'members:read', ...READ_MODULES];
const MEMBER: Permission[] = [...VIEWER, ...WRITE_MODULES];
const ADMIN: Permission[] = [...MEMBER, 'company:manage', 'members:invite', 'members:manage', 'modules:manage', 'apikeys:manage', 'audit:read'];
const OWNER: Permission[] = [...ADMIN, 'owners:manage'];

const BY_ROLE = { OWNER, ADMIN, MEMBER, VIEWER } as const;

export function permissionsOfRole(role: keyof typeof BY_ROLE): readonly Permission[] {
  return BY_ROLE[role];
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
