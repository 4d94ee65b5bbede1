// Wires tenancy: the caller's companies and modules, members, invitations and the audit log, so
// the subgraph's server needs one call and one resolver list for all of them.
import { SecretBox, type Config, type Database } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { auditResolvers } from '../audit/resolvers.js';
import { AuditLogService } from '../audit/service.js';
import { companyResolvers } from '../company/resolvers.js';
import { CompanyService } from '../company/service.js';
import { EmailOutbox } from '../email/outbox.js';
import type { Resolvers } from '../generated/resolvers.js';
import { InvitationAcceptance } from '../invitations/acceptance.js';
import { invitationResolvers } from '../invitations/resolvers.js';
import { InvitationService } from '../invitations/service.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import type { SessionService } from '../session/service.js';
import { memberResolvers } from './resolvers.js';
import { MemberService } from './service.js';

export interface TenancyDeps {
  config: Config;
  database: Database;
  hasher: PasswordHasher;
  sessions: SessionService;
  limits: AbuseLimits;
  state: PrincipalStatePublisher;
  /** The module's mail outbox; one is made from the data key when not given. */
  outbox?: EmailOutbox;
}

export function createTenancyServices(deps: TenancyDeps) {
  const { config, database, hasher, sessions, limits, state } = deps;
  const outbox = deps.outbox ?? new EmailOutbox(new SecretBox(config.dataEncryptionKey));
  return {
    companies: new CompanyService({ database, sessions, state }),
    members: new MemberService({ state }),
    invitations: new InvitationService({ outbox, publicAppUrl: config.mail.publicAppUrl }),
    invitationAcceptance: new InvitationAcceptance({ database, hasher, sessions, limits, state }),
    auditLog: new AuditLogService(),
  };
}

export const tenancyResolvers: Resolvers[] = [companyResolvers, memberResolvers, invitationResolvers, auditResolvers];
