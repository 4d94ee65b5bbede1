// The second step of logIn (see login-challenge.ts for the first): verifyMfa finishes the log-in
// with a TOTP or recovery code, from the client the challenge was issued to, at most once.
import type { ClientInfo, Database, SecretBox } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { findCompaniesByIds, findRoles, findUsersByIds } from '../account/repository.js';
import { recordAudit } from '../audit/recorder.js';
import type { EmailOutbox, OutgoingEmail } from '../email/outbox.js';
import type { AuthPayloadResult, SessionService } from '../session/service.js';
import { CHALLENGE_MAX_FAILURES, MfaChallenges, type MfaChallenge } from './challenges.js';
import { findSecondFactorState } from './repository.js';
import { invalidMfaCode, type InvalidMfaCodeResult } from './results.js';
import { useSecondFactor } from './second-factor.js';
import type { VerifyMfaInput } from './validation.js';

export interface MfaVerifierDeps {
  database: Database;
  box: SecretBox;
  limits: AbuseLimits;
  challenges: MfaChallenges;
  sessions: SessionService;
  outbox: EmailOutbox;
}

export class MfaVerifier {
  constructor(private readonly deps: MfaVerifierDeps) {}

  async verify(input: VerifyMfaInput, client: ClientInfo): Promise<AuthPayloadResult | InvalidMfaCodeResult> {
    const { challenges, limits } = this.deps;
    // Peek first so the user's limits apply before any work; claim (atomically) only then.
    const pending = await challenges.peek(input.challenge);
    await limits.check('verifyMfa', { account: pending?.userId ?? null, ip: client.ip });
    const claimed = pending && (await challenges.claim(input.challenge));
    if (!claimed) return invalidMfaCode();
    const keys = { account: claimed.userId, ip: client.ip };
    const opened = MfaChallenges.sameClient(claimed, client) ? await this.finish(claimed, input.code, client) : null;
    if (!opened) {
      await this.recordFailure(claimed, client);
      await challenges.putBack(input.challenge, claimed);
      await limits.fail('verifyMfa', keys);
      return invalidMfaCode();
    }
    await limits.succeed('verifyMfa', keys);
    return this.deps.sessions.payload(opened.session, opened.user, { role: opened.role, company: opened.company });
  }

  /** Uses the code and opens the session in one transaction; null (nothing written) if the code fails. */
  private finish(challenge: MfaChallenge, code: string, client: ClientInfo) {
    const { userId, companyId } = challenge;
    return this.deps.database.withTenant({ companyId, userId }, async (tx) => {
      const [user] = await findUsersByIds(tx, [userId]);
      const [company] = await findCompaniesByIds(tx, [companyId]);
      // The current role: it may have changed (or the membership gone) since the password step.
      const [membership] = await findRoles(tx, companyId, [userId]);
      const state = await findSecondFactorState(tx, userId);
      if (!user || !company || !membership || !state) return null;
      const check = await useSecondFactor(tx, this.deps.box, state, code);
      if (!check.ok) return null;
      const actor = { userId };
      if (check.method === 'recoveryCode') await recordAudit(tx, companyId, { action: 'RECOVERY_CODE_USED', actor, target: { type: 'User', id: userId }, client });
      const session = await this.deps.sessions.open(tx, { companyId, userId }, client);
      const target = { type: 'Session', id: session.id };
      await recordAudit(tx, companyId, { action: 'LOGIN_SUCCEEDED', actor, target, client, metadata: { secondFactor: check.method } });
      return { user, company, role: membership.role, session };
    });
  }

  /**
   * Audits every wrong code. When the challenge is used up, also tells the user by email: their
   * password was right but the second factor failed, so the password may be known to someone.
   */
  private async recordFailure(challenge: MfaChallenge, client: ClientInfo): Promise<void> {
    const { userId, companyId } = challenge;
    const failures = challenge.failures + 1;
    const revoked = failures >= CHALLENGE_MAX_FAILURES;
    await this.deps.database.withTenant({ companyId, userId }, async (tx) => {
      await recordAudit(tx, companyId, { action: 'MFA_CHALLENGE_FAILED', actor: { userId }, client, metadata: { failures, challengeRevoked: revoked } });
      const [user] = revoked ? await findUsersByIds(tx, [userId]) : [];
      if (user) await this.deps.outbox.enqueue(tx, blockedSignInEmail(user.email));
    });
  }
}

function blockedSignInEmail(to: string): OutgoingEmail {
  return {
    to,
    subject: 'OMNI: a sign-in to your account was blocked',
    text: [
      'Someone signed in to your OMNI account with your password, then entered',
      `${CHALLENGE_MAX_FAILURES} wrong two-factor codes, so the sign-in was blocked.`,
      '',
      'If this was not you, change your password now: it may be known to someone else.',
    ].join('\n'),
  };
}
