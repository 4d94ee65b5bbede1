// The request context of the auth subgraph: the platform's context plus this module's services.
// The services are built once per process; everything request-specific (principal, loaders,
// tenant-scoped db) stays in the RequestContext they receive.
import type { RequestContext } from '@omni/core';
import type { AccountService } from './account/service.js';
import type { SessionService } from './session/service.js';

export interface AuthService {
  accounts: AccountService;
  sessions: SessionService;
}

export interface SubgraphContext extends RequestContext {
  auth: AuthService;
}
