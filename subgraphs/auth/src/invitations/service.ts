// Sending, listing and withdrawing invitations of the caller's company. The invitation secret
// goes into the outbox email only (in the same transaction as the invitation, so a rolled-back
// invitation sends nothing); the inviter, the API, the logs and the audit log never see it.
import { randomUUID } from 'node:crypto';
import { actingUserId, AppError, type Connection, createScopedToken, hasPermission, type RequestContext, requirePrincipal, toConnection } from '@omni/core';
import { recordAudit } from '../audit/recorder.js';
import { parsePageArgs } from '../common/page-args.js';
import type { EmailOutbox } from '../email/outbox.js';
import { invitationEmail } from './email.js';
import {
  findInvitationSender,
  insertInvitation,
  isMemberEmail,
  listPendingInvitations,
  lockInvitee,
  revokePendingInvitation,
  revokePendingInvitationsOf,
  type InvitationRecord,
} from './repository.js';
import {
  alreadyMember,
  invitationNotFound,
  type AlreadyMemberResult,
  type InvitationNotFoundResult,
  type InvitationRevokedResult,
  type InvitationSentResult,
} from './results.js';
import { invitationCursorSchema, type InviteMemberInput } from './validation.js';

export const INVITATION_TOKEN_PREFIX = 'omi_';
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitationServiceDeps {
  outbox: EmailOutbox;
  /** Where links in emails point (config.mail.publicAppUrl). */
  publicAppUrl: string;
}

export class InvitationService {
  constructor(private readonly deps: InvitationServiceDeps) {}

  /** Inviting an email again replaces its pending invitation (the old link stops working). */
  async invite(ctx: RequestContext, input: InviteMemberInput): Promise<InvitationSentResult | AlreadyMemberResult> {
    const principal = requirePrincipal(ctx);
    if (input.role === 'OWNER' && !hasPermission(principal, 'owners:manage')) throw new AppError('FORBIDDEN');
    const { companyId } = principal;
    return ctx.db.run(async (tx) => {
      await lockInvitee(tx, companyId, input.email);
      if (await isMemberEmail(tx, companyId, input.email)) return alreadyMember();
      for (const id of await revokePendingInvitationsOf(tx, companyId, input.email)) {
        await recordAudit(tx, companyId, {
          action: 'INVITATION_REVOKED',
          actor: principal,
          target: { type: 'Invitation', id },
          client: ctx.client,
          metadata: { reason: 'REPLACED' },
        });
      }
      const token = createScopedToken(INVITATION_TOKEN_PREFIX, [companyId]);
      const invitation = await insertInvitation(tx, {
        id: randomUUID(),
        companyId,
        email: input.email,
        role: input.role,
        tokenHash: token.hash,
        invitedById: actingUserId(principal),
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      });
      const sender = await findInvitationSender(tx, companyId, invitation.invitedById);
      const { publicAppUrl } = this.deps;
      await this.deps.outbox.enqueue(tx, invitationEmail({ ...sender, to: input.email, role: input.role, token: token.token, expiresAt: invitation.expiresAt, publicAppUrl }));
      await recordAudit(tx, companyId, {
        action: 'MEMBER_INVITED',
        actor: principal,
        target: { type: 'Invitation', id: invitation.id },
        client: ctx.client,
        metadata: { email: input.email, role: input.role },
      });
      return { __typename: 'InvitationSent' as const, invitation };
    });
  }

  async listPending(ctx: RequestContext, args: { first?: number | null; after?: string | null }): Promise<Connection<InvitationRecord>> {
    const { companyId } = requirePrincipal(ctx);
    const page = parsePageArgs(args, invitationCursorSchema);
    const after = page.after && { createdAt: new Date(page.after.t), id: page.after.i };
    const rows = await ctx.db.run((tx) => listPendingInvitations(tx, companyId, { take: page.first + 1, after }));
    return toConnection(rows, page.first, (row) => ({ t: row.createdAt.toISOString(), i: row.id }));
  }

  /** Another company's invitation id answers exactly like an unknown one. */
  async revoke(ctx: RequestContext, id: string): Promise<InvitationRevokedResult | InvitationNotFoundResult> {
    const principal = requirePrincipal(ctx);
    const { companyId } = principal;
    return ctx.db.run(async (tx) => {
      if (!(await revokePendingInvitation(tx, companyId, id))) return invitationNotFound();
      await recordAudit(tx, companyId, {
        action: 'INVITATION_REVOKED',
        actor: principal,
        target: { type: 'Invitation', id },
        client: ctx.client,
        metadata: { reason: 'REVOKED' },
      });
      return { __typename: 'InvitationRevoked' as const, id };
    });
  }
}
