// Accepting an invitation: the caller is anonymous (a new account) or signed in as the invited
// person (an existing account). The token names its company, so the invitation is found under
// row-level security of that company before anyone is known. The invitation is claimed with a
// conditional UPDATE first, so it is used once even under concurrency, and everything (account,
// membership, session, audit) commits together or not at all.
import { randomUUID } from 'node:crypto';
import { type Database, hashScopedToken, isUniqueViolation, parseScopedToken, type RequestContext, type TenantTx, violatedConstraint } from '@omni/core';
import { findCompaniesByIds, findUsersByIds } from '../account/repository.js';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import { publishAfterCommit } from '../common/after-commit.js';
import type { ValidationFailedResult } from '../common/input.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import type { AuthPayloadResult, SessionService } from '../session/service.js';
import { insertMembership, insertUser, isEmailRegistered, isMember } from './membership-repository.js';
import { claimInvitation, findInvitationByTokenHash, type InvitationRecord } from './repository.js';
import * as results from './results.js';
import { INVITATION_TOKEN_PREFIX } from './service.js';
import type { AcceptInvitationInput } from './validation.js';

export type AcceptInvitationResult =
  | AuthPayloadResult
  | results.InvalidInvitationResult
  | results.SignInToAcceptResult
  | results.AlreadyMemberResult
  | ValidationFailedResult;

export interface InvitationAcceptanceDeps {
  database: Database;
  hasher: PasswordHasher;
  sessions: SessionService;
  limits: AbuseLimits;
  state: PrincipalStatePublisher;
}

/** Who joins: an existing account (signed in) or a new one created in the same transaction. */
type Joiner = { userId: string; newAccount: null } | { userId: string; newAccount: { name: string; passwordHash: string } };

const USER_EMAIL_INDEX = 'User_email_key';

export class InvitationAcceptance {
  constructor(private readonly deps: InvitationAcceptanceDeps) {}

  async accept(ctx: RequestContext, input: AcceptInvitationInput): Promise<AcceptInvitationResult> {
    const parsed = parseScopedToken(INVITATION_TOKEN_PREFIX, input.token, 1);
    // Limited per IP and per token (its hash: the secret itself never reaches Redis).
    const keys = { account: `invitation:${parsed?.hash ?? hashScopedToken(input.token)}`, ip: ctx.client.ip };
    await this.deps.limits.check('acceptInvitation', keys);
    const companyId = parsed?.scopeIds[0];
    const signedInAs = ctx.principal?.kind === 'user' ? ctx.principal : null;
    const found = parsed && companyId ? await this.findPending(companyId, parsed.hash, signedInAs?.userId ?? null) : null;
    if (!found || !companyId) {
      await this.deps.limits.fail('acceptInvitation', keys);
      return results.invalidInvitation();
    }
    const joiner = await this.joinerFor(found, input);
    if ('__typename' in joiner) return joiner;

    let joined;
    try {
      joined = await this.deps.database.withTenant({ companyId, userId: joiner.userId }, (tx) => this.join(tx, ctx, found.invitation, joiner));
    } catch (error) {
      // The email was registered between the check and the insert.
      if (isUniqueViolation(error) && (violatedConstraint(error) ?? USER_EMAIL_INDEX) === USER_EMAIL_INDEX) return results.signInToAccept();
      throw error;
    }
    if ('__typename' in joined) {
      if (joined.__typename === 'InvalidInvitation') await this.deps.limits.fail('acceptInvitation', keys);
      return joined;
    }
    await this.deps.limits.succeed('acceptInvitation', keys);
    const { role } = found.invitation;
    await publishAfterCommit(ctx.logger, 'membership', () =>
      this.deps.state.membership(companyId, joiner.userId, { status: 'active', role, version: joined.session.membershipVersion }),
    );
    return this.deps.sessions.payload(joined.session, joined.user, { role, company: joined.company });
  }

  /** The pending invitation behind the token, and the signed-in caller's id if they are its invitee. */
  private findPending(companyId: string, tokenHash: string, userId: string | null) {
    return this.deps.database.withTenant({ companyId, userId }, async (tx) => {
      const invitation = await findInvitationByTokenHash(tx, tokenHash);
      if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= new Date()) return null;
      // A user always sees their own row (app.user_id), whichever company the transaction is for.
      const [me] = userId ? await findUsersByIds(tx, [userId]) : [];
      return { invitation, inviteeUserId: me && me.email === invitation.email ? me.id : null };
    });
  }

  private async joinerFor(
    found: { invitation: InvitationRecord; inviteeUserId: string | null },
    input: AcceptInvitationInput,
  ): Promise<Joiner | results.SignInToAcceptResult | ValidationFailedResult> {
    if (found.inviteeUserId) return { userId: found.inviteeUserId, newAccount: null };
    if (await isEmailRegistered(this.deps.database.prisma, found.invitation.email)) return results.signInToAccept();
    if (!input.name || !input.password) return results.accountDetailsRequired((['name', 'password'] as const).filter((f) => !input[f]));
    return { userId: randomUUID(), newAccount: { name: input.name, passwordHash: await this.deps.hasher.hash(input.password) } };
  }

  /** Claims the invitation, then writes account (if new), membership, session and audit. */
  private async join(tx: TenantTx, ctx: RequestContext, invitation: InvitationRecord, joiner: Joiner) {
    const { companyId, role } = invitation;
    const { userId } = joiner;
    if (!joiner.newAccount && (await isMember(tx, companyId, userId))) return results.alreadyMember();
    if (!(await claimInvitation(tx, invitation.id))) return results.invalidInvitation();
    if (joiner.newAccount) await insertUser(tx, { id: userId, email: invitation.email, ...joiner.newAccount, defaultCompanyId: companyId });
    await insertMembership(tx, { companyId, userId, role });
    const session = await this.deps.sessions.open(tx, { companyId, userId }, ctx.client);
    await recordAudit(tx, companyId, {
      action: 'INVITATION_ACCEPTED',
      actor: { userId },
      target: { type: 'Invitation', id: invitation.id },
      client: ctx.client,
      metadata: { role, newAccount: joiner.newAccount !== null },
    });
    const [user] = await findUsersByIds(tx, [userId]);
    const [company] = await findCompaniesByIds(tx, [companyId]);
    if (!user || !company) throw new Error('acceptInvitation: the joined user or company is not visible');
    return { session, user, company };
  }
}
