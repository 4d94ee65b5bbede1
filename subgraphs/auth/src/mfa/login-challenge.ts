// The first step of a two-factor log-in: logIn asks `challengeFor` once the password checked out.
// When the user has TOTP on, no session is opened and the client gets a challenge instead, to
// finish with verifyMfa (verification.ts).
import type { ClientInfo, Database, Role } from '@omni/core';
import type { MfaChallenges } from './challenges.js';
import { findSecondFactorState } from './repository.js';
import type { MfaRequiredResult } from './results.js';

export interface LoginSecondFactorDeps {
  database: Database;
  challenges: MfaChallenges;
}

export class LoginSecondFactor {
  constructor(private readonly deps: LoginSecondFactorDeps) {}

  /** A challenge when the user has TOTP on (call only after the password was right); else null. */
  async challengeFor(login: { userId: string; companyId: string; role: Role }, client: ClientInfo): Promise<MfaRequiredResult | null> {
    const state = await this.deps.database.withTenant({ companyId: login.companyId, userId: login.userId }, (tx) =>
      findSecondFactorState(tx, login.userId),
    );
    if (!state?.totpEnabledAt) return null;
    const issued = await this.deps.challenges.create(login, client);
    return { __typename: 'MfaRequired', challenge: issued.challenge, expiresAt: issued.expiresAt.toISOString() };
  }
}
