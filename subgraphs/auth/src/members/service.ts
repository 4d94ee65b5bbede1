// Members of the caller's company: listing, role changes and removal. The rule that matters: a
// company always keeps an OWNER, also under concurrent changes. Every change first locks the
// company's OWNER rows, so two owners demoting each other at once are serialised and the second
// sees the first's result. Changes are published as live state after commit, so the gateway
// applies them on the member's next request.
import { AppError, hasPermission, requirePrincipal, toConnection, type Connection, type Principal, type RequestContext } from '@omni/core';
import { recordAudit } from '../audit/recorder.js';
import { publishAfterCommit } from '../common/after-commit.js';
import { parsePageArgs } from '../common/page-args.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { deleteMembership, listMembers, lockMembership, lockOwners, revokeSessions, updateRole, type MemberRecord } from './repository.js';
import { lastOwner, notAMember, type LastOwnerResult, type NotAMemberResult } from './results.js';
import { memberCursorSchema, type ChangeMemberRoleInput } from './validation.js';

export interface MemberRoleChangedResult {
  __typename: 'MemberRoleChanged';
  member: MemberRecord;
}

export interface MemberRemovedResult {
  __typename: 'MemberRemoved';
  userId: string;
  revokedSessions: number;
}

export interface MemberServiceDeps {
  state: PrincipalStatePublisher;
}

/** Why a removed member's sessions ended (Session.revokedReason). */
const REMOVED_REASON = 'MEMBER_REMOVED';

function requireOwnersManage(principal: Principal): void {
  if (!hasPermission(principal, 'owners:manage')) throw new AppError('FORBIDDEN');
}

export class MemberService {
  constructor(private readonly deps: MemberServiceDeps) {}

  async list(ctx: RequestContext, args: { first?: number | null; after?: string | null }): Promise<Connection<MemberRecord>> {
    const { companyId } = requirePrincipal(ctx);
    const page = parsePageArgs(args, memberCursorSchema);
    const after = page.after && { createdAt: new Date(page.after.t), userId: page.after.u };
    const rows = await ctx.db.run((tx) => listMembers(tx, companyId, { take: page.first + 1, after }));
    return toConnection(rows, page.first, (m) => ({ t: m.createdAt.toISOString(), u: m.userId }));
  }

  async changeRole(ctx: RequestContext, input: ChangeMemberRoleInput): Promise<MemberRoleChangedResult | NotAMemberResult | LastOwnerResult> {
    const principal = requirePrincipal(ctx);
    const { companyId } = principal;
    if (input.role === 'OWNER') requireOwnersManage(principal);
    const outcome = await ctx.db.run(async (tx) => {
      const owners = await lockOwners(tx, companyId);
      const member = await lockMembership(tx, companyId, input.userId);
      if (!member) return notAMember();
      if (member.role === 'OWNER') requireOwnersManage(principal);
      if (member.role === input.role) return { member, changed: false };
      if (member.role === 'OWNER' && owners.length < 2) return lastOwner();
      const updated = await updateRole(tx, companyId, input.userId, input.role);
      await recordAudit(tx, companyId, {
        action: 'ROLE_CHANGED',
        actor: principal,
        target: { type: 'User', id: input.userId },
        client: ctx.client,
        metadata: { from: member.role, to: updated.role, version: updated.version },
      });
      return { member: updated, changed: true };
    });
    if ('__typename' in outcome) return outcome;
    const { member } = outcome;
    if (outcome.changed) {
      await publishAfterCommit(ctx.logger, 'membership', () =>
        this.deps.state.membership(companyId, member.userId, { status: 'active', role: member.role, version: member.version }),
      );
    }
    return { __typename: 'MemberRoleChanged', member };
  }

  /** Removes `userId` from the caller's company; `leaving` when callers remove themselves. */
  async remove(ctx: RequestContext, userId: string, leaving = false): Promise<MemberRemovedResult | NotAMemberResult | LastOwnerResult> {
    const principal = requirePrincipal(ctx);
    const { companyId } = principal;
    const outcome = await ctx.db.run(async (tx) => {
      const owners = await lockOwners(tx, companyId);
      const member = await lockMembership(tx, companyId, userId);
      if (!member) return notAMember();
      if (member.role === 'OWNER' && !leaving) requireOwnersManage(principal);
      if (member.role === 'OWNER' && owners.length < 2) return lastOwner();
      await deleteMembership(tx, companyId, userId);
      const sessionIds = await revokeSessions(tx, companyId, userId, REMOVED_REASON);
      await recordAudit(tx, companyId, {
        action: 'MEMBER_REMOVED',
        actor: principal,
        target: { type: 'User', id: userId },
        client: ctx.client,
        metadata: { role: member.role, left: leaving, revokedSessions: sessionIds.length },
      });
      return { sessionIds };
    });
    if ('__typename' in outcome) return outcome;
    const { state } = this.deps;
    await publishAfterCommit(ctx.logger, 'membership', () => state.membership(companyId, userId, { status: 'removed' }));
    await publishAfterCommit(ctx.logger, 'session', () =>
      Promise.all(outcome.sessionIds.map((id) => state.session(id, { status: 'revoked' }))),
    );
    return { __typename: 'MemberRemoved', userId, revokedSessions: outcome.sessionIds.length };
  }

  /** The signed-in person leaves the caller's company (people only: the shield rule is isUser). */
  leave(ctx: RequestContext): Promise<MemberRemovedResult | NotAMemberResult | LastOwnerResult> {
    const principal = requirePrincipal(ctx);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
    return this.remove(ctx, principal.userId, true);
  }
}
