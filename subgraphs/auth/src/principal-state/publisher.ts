// Auth is the writer of the live principal state the gateway checks on every request (see
// packages/core/src/identity/principal-state.ts). Call these AFTER the transaction that made the
// change has committed: the gateway may read the new state immediately.
import {
  PRINCIPAL_STATE_TTL_SECONDS,
  principalStateKeys,
  type ApiKeyState,
  type CompanyState,
  type MembershipState,
  type Redis,
  type SessionState,
} from '@omni/core';

export class PrincipalStatePublisher {
  constructor(private readonly redis: Redis) {}

  membership(companyId: string, userId: string, state: MembershipState): Promise<void> {
    return this.write(principalStateKeys.membership(companyId, userId), state);
  }

  session(sessionId: string, state: SessionState): Promise<void> {
    return this.write(principalStateKeys.session(sessionId), state);
  }

  company(companyId: string, state: CompanyState): Promise<void> {
    return this.write(principalStateKeys.company(companyId), state);
  }

  apiKey(keyHash: string, state: ApiKeyState): Promise<void> {
    return this.write(principalStateKeys.apiKey(keyHash), state);
  }

  /** Unconditional: a change always replaces whatever a gateway cached before it. */
  private async write(key: string, value: unknown): Promise<void> {
    await this.redis.set(key, JSON.stringify(value), 'EX', PRINCIPAL_STATE_TTL_SECONDS);
  }
}
