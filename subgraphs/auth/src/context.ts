// The request context of the auth subgraph: the platform's context plus this module's services.
// The services are built once per process; everything request-specific (principal, loaders,
// tenant-scoped db) stays in the RequestContext they receive.
import type { RequestContext } from '@omni/core';
import type { AbuseLimits } from './abuse/limits.js';
import type { AccountService } from './account/service.js';
import type { ApiKeyService } from './api-keys/service.js';
import type { AuditLogService } from './audit/service.js';
import type { CompanyService } from './company/service.js';
import type { EmailOutbox } from './email/outbox.js';
import type { InvitationAcceptance } from './invitations/acceptance.js';
import type { InvitationService } from './invitations/service.js';
import type { MemberService } from './members/service.js';
import type { MfaServices } from './mfa/module.js';
import type { PasswordResetService } from './password-reset/service.js';
import type { PrincipalStatePublisher } from './principal-state/publisher.js';
import type { SessionManagementService } from './session/management-service.js';
import type { PasswordChangeService } from './session/password-change-service.js';
import type { RefreshService } from './session/refresh-service.js';
import type { SessionService } from './session/service.js';

export interface AuthService {
  accounts: AccountService;
  sessions: SessionService;
  /** refreshSession: refresh-token rotation with reuse detection. */
  refresh: RefreshService;
  /** The caller's own sessions: sessions, revokeSession, logOut. */
  sessionManagement: SessionManagementService;
  /** changePassword, which also ends the caller's other sessions everywhere. */
  passwordChange: PasswordChangeService;
  /** Per-IP and per-account limits on guessable operations (logIn, verifyMfa, resets, invitations). */
  limits: AbuseLimits;
  /** Second factor: TOTP enrolment and the verifyMfa step of logIn. */
  mfa: MfaServices;
  /** Service accounts and their API keys. */
  apiKeys: ApiKeyService;
  /** Writes live principal state for the gateway; call after commit. */
  state: PrincipalStatePublisher;
  /** Outgoing mail: enqueue(tx, message) in the transaction that causes it; sent after commit. */
  email: EmailOutbox;
  /** requestPasswordReset and resetPassword. */
  passwordReset: PasswordResetService;
  /** The caller's companies, switchCompany and the company's modules. */
  companies: CompanyService;
  /** Members of the caller's company: list, role changes, removal. */
  members: MemberService;
  /** Invitations of the caller's company: invite, list, revoke. */
  invitations: InvitationService;
  /** acceptInvitation (public). */
  invitationAcceptance: InvitationAcceptance;
  /** The company's audit log (the query side; audit/recorder.ts writes it). */
  auditLog: AuditLogService;
}

export interface SubgraphContext extends RequestContext {
  auth: AuthService;
}
