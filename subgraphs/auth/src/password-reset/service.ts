// Password reset by email. Requests answer the same for every well-formed email, known or not,
// with comparable work on both paths; the link carries a single-use `omp_` token (user id
// embedded, so it is found under row-level security before anyone is signed in; only its
// SHA-256 is stored) that expires after 30 minutes. A reset ends every session of the user in
// every company, because whoever knew the old password may hold one.
import { randomUUID } from 'node:crypto';
import { type ClientInfo, createScopedToken, type Database, type Logger, parseScopedToken, type TenantTx } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import { recordAudit } from '../audit/recorder.js';
import type { EmailOutbox } from '../email/outbox.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import { findLoginCandidates, findMyCompanyIds } from '../session/repository.js';
import { changeAndEndSessionsEverywhere } from '../session/revocation.js';
import { resetEmail, resetLink } from './email.js';
import * as repo from './repository.js';
import * as results from './results.js';
import type { RequestPasswordResetInput, ResetPasswordInput } from './validation.js';

export interface PasswordResetDeps {
  database: Database;
  hasher: PasswordHasher;
  outbox: Pick<EmailOutbox, 'enqueue'>;
  limits: Pick<AbuseLimits, 'check' | 'succeed'>;
  state: PrincipalStatePublisher;
  logger: Logger;
  publicAppUrl: string;
  /** Default 30 minutes. */
  tokenTtlSeconds?: number;
  /** Tests move time forward to expire tokens. */
  now?: () => Date;
}

/** Scope for user-owned rows when no company is involved: matches no tenant row. */
const NO_COMPANY = '00000000-0000-0000-0000-000000000000';

export class PasswordResetService {
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly deps: PasswordResetDeps) {
    this.ttlSeconds = deps.tokenTtlSeconds ?? 30 * 60;
    this.now = deps.now ?? (() => new Date());
  }

  async request(input: RequestPasswordResetInput, client: ClientInfo): Promise<results.PasswordResetRequestedResult> {
    const { database, limits, outbox } = this.deps;
    // Before the lookup, so known and unknown emails are limited alike.
    await limits.check('passwordReset', { account: input.email, ip: client.ip });
    const [account] = await findLoginCandidates(database.prisma, input.email);
    // The same token, link and transaction shape for unknown emails, against a random user id.
    const userId = account?.userId ?? randomUUID();
    const { token, hash } = createScopedToken('omp_', [userId]);
    const email = resetEmail(input.email, resetLink(this.deps.publicAppUrl, token), this.ttlSeconds);
    const now = this.now();
    await database.withTenant({ companyId: account?.companyId ?? NO_COMPANY, userId }, async (tx) => {
      if (!account) return repo.decoyTokenWork(tx, hash, now);
      await repo.insertResetToken(tx, { tokenHash: hash, userId, expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000) });
      await outbox.enqueue(tx, email);
    });
    return results.passwordResetRequested();
  }

  async reset(input: ResetPasswordInput, client: ClientInfo): Promise<results.PasswordResetCompletedResult | results.InvalidResetTokenResult> {
    const { database, hasher, limits } = this.deps;
    await limits.check('passwordReset', { ip: client.ip });
    const parsed = parseScopedToken('omp_', input.token, 1);
    const userId = parsed?.scopeIds[0];
    if (!parsed || !userId) return results.invalidResetToken();
    const now = this.now();
    // Checked before hashing, so junk tokens cost no hashing work.
    const account = await database.withTenant({ companyId: NO_COMPANY, userId }, async (tx) =>
      (await repo.isResetTokenUsable(tx, parsed.hash, now)) ? { email: (await repo.findResetAccount(tx, userId))?.email, companyIds: await findMyCompanyIds(tx) } : null,
    );
    if (!account?.email) return results.invalidResetToken();
    const passwordHash = await hasher.hash(input.newPassword);

    // The change commits with the first company's sessions and audit; the other companies follow,
    // each in its own tenant scope (session/revocation.ts, as changePassword does).
    const { result: changed } = await changeAndEndSessionsEverywhere(
      this.deps,
      {
        userId,
        companyId: account.companyIds[0] ?? NO_COMPANY,
        reason: 'PASSWORD_CHANGED',
        actor: { userId },
        client,
        recordInCompany: (tx, companyId, revoked) => recordReset(tx, companyId, userId, client, revoked.length),
      },
      async (tx) => {
        if (!(await repo.consumeResetToken(tx, parsed.hash, now))) return false;
        await repo.setPassword(tx, userId, passwordHash, now);
        await repo.invalidateResetTokens(tx, userId, now);
        return true;
      },
      (consumed) => consumed,
    );
    if (!changed) return results.invalidResetToken();
    await limits.succeed('passwordReset', { account: account.email });
    return results.passwordResetCompleted();
  }
}

/** Records the reset in one of the user's companies, with how many sessions it ended there. */
function recordReset(tx: TenantTx, companyId: string, userId: string, client: ClientInfo, sessionsRevoked: number): Promise<void> {
  return recordAudit(tx, companyId, {
    action: 'PASSWORD_RESET',
    actor: { userId },
    target: { type: 'User', id: userId },
    client,
    metadata: { sessionsRevoked },
  });
}
