// graphql-shield rule helpers shared by every subgraph. Each subgraph's permissions.ts maps
// every field to one of these; anything unmapped is denied (fallbackRule: deny).
import { allow, deny, rule, shield, type IRules, type and } from 'graphql-shield';
import { AppError } from '../errors/errors.js';
import { hasPermission, roleAtLeast, type ModuleName, type Role } from '../identity/principal.js';
import type { Permission } from '../identity/permissions.js';
import type { RequestContext } from '../context/context.js';

export { allow, deny, and, or, not, chain, rule } from 'graphql-shield';

/** The caller presented a valid access token. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
  ctx.principal ? true : new AppError('UNAUTHENTICATED'),
);

/** Anyone, signed in or not (sign-up, log-in). Rate limits still apply at the gateway. */
export const isPublic = allow;

/** A person signed in (not an API key): for things only people have, like sessions and 2FA. */
export const isUser = rule({ cache: 'contextual' })((_parent, _args, ctx: RequestContext) => {
  if (!ctx.principal) return new AppError('UNAUTHENTICATED');
  return ctx.principal.kind === 'user' ? true : new AppError('FORBIDDEN');
});

/**
 * graphql-shield refuses two different rules with the same name, so each named rule is created
 * once per process and shared by every caller.
 */
const namedRules = new Map<string, ShieldRule>();
function once(name: string, create: () => ShieldRule): ShieldRule {
  let existing = namedRules.get(name);
  if (!existing) {
    existing = create();
    namedRules.set(name, existing);
  }
  return existing;
}

/** The caller holds `permission` (from its role, or among an API key's scopes). */
export function can(permission: Permission): ShieldRule {
  return once(`can:${permission}`, () => rule(`can:${permission}`, { cache: 'contextual' })((_parent, _args, ctx: RequestContext) => {
    if (!ctx.principal) return new AppError('UNAUTHENTICATED');
    return hasPermission(ctx.principal, permission) ? true : new AppError('FORBIDDEN');
  }));
}

/**
 * The module is switched on for the caller's company. The gateway puts the company's current
 * modules into every principal, so a toggle takes effect on the next request.
 */
export function moduleEnabled(module: ModuleName): ShieldRule {
  return once(`module:${module}`, () => rule(`module:${module}`, { cache: 'contextual' })((_parent, _args, ctx: RequestContext) => {
    if (!ctx.principal) return new AppError('UNAUTHENTICATED');
    return ctx.principal.modules.includes(module) ? true : new AppError('MODULE_DISABLED', `The ${module} module is switched off for this company.`);
  }));
}

/** The caller's role in the token's company is at least `minimum` (prefer `can`). */
export function hasRole(minimum: Role): ShieldRule {
  return once(`hasRole:${minimum}`, () => rule(`hasRole:${minimum}`, { cache: 'contextual' })((_parent, _args, ctx: RequestContext) => {
    if (!ctx.principal) return new AppError('UNAUTHENTICATED');
    if (ctx.principal.kind !== 'user') return new AppError('FORBIDDEN');
    return roleAtLeast(ctx.principal.role, minimum) ? true : new AppError('FORBIDDEN');
  }));
}

/**
 * Federation plumbing (`_service`, `_entities`). Safe to allow: the HTTP layer has already
 * refused every request without a valid gateway signature, entity types carry their own field
 * rules, and row-level security scopes every entity read.
 */
export const fromGateway = allow;

/** Any shield rule, logic rules (and/or/...) included. */
export type ShieldRule = Parameters<typeof and>[number];

/** Rule map: type name -> field name -> rule (or one rule for the whole type). */
export type RuleTree = Record<string, Record<string, ShieldRule> | ShieldRule>;

/** Wraps a rule tree with the platform defaults: deny anything unlisted, let typed errors through. */
export function createPermissions(rules: RuleTree) {
  const query = rules['Query'];
  const tree: RuleTree = {
    ...rules,
    Query: { ...(typeof query === 'object' ? (query as Record<string, ShieldRule>) : {}), _service: fromGateway, _entities: fromGateway },
    _Service: { sdl: fromGateway },
  };
  return shield(tree as IRules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: () => new AppError('FORBIDDEN'),
  });
}
