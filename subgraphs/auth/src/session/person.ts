// The calling person, for operations only people have (sessions, passwords). The schema's isUser
// rule already refuses API keys and anonymous callers; this keeps services safe on their own.
import { AppError, requirePrincipal, type RequestContext, type UserPrincipal } from '@omni/core';

export function callingPerson(ctx: Pick<RequestContext, 'principal'>): UserPrincipal {
  const principal = requirePrincipal(ctx);
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
  return principal;
}
