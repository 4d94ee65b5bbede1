// The pending second step of a log-in: who proved their password, for which company, from which
// client. Lives in Redis for 5 minutes under the hash of a random 32-byte challenge, is used at
// most once, and dies after 5 wrong codes. Claiming takes it out of Redis (GETDEL), so two
// concurrent attempts can never both finish one challenge.
import { createHash, randomBytes } from 'node:crypto';
import type { ClientInfo, Redis, Role } from '@omni/core';

export const CHALLENGE_TTL_SECONDS = 5 * 60;
export const CHALLENGE_MAX_FAILURES = 5;

export interface MfaChallenge {
  userId: string;
  companyId: string;
  role: Role;
  /** The client that proved the password; only it may finish the log-in. */
  ip: string | null;
  userAgent: string | null;
  failures: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface IssuedChallenge {
  challenge: string;
  expiresAt: Date;
}

export class MfaChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'omni:mfa:challenge',
  ) {}

  async create(owner: { userId: string; companyId: string; role: Role }, client: ClientInfo): Promise<IssuedChallenge> {
    const challenge = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + CHALLENGE_TTL_SECONDS * 1000;
    const data: MfaChallenge = { ...owner, ip: client.ip ?? null, userAgent: client.userAgent ?? null, failures: 0, expiresAt };
    await this.redis.set(this.key(challenge), JSON.stringify(data), 'PXAT', expiresAt);
    return { challenge, expiresAt: new Date(expiresAt) };
  }

  /** Reads without claiming (to know whose limits apply before any work). */
  async peek(challenge: string): Promise<MfaChallenge | null> {
    return parse(await this.redis.get(this.key(challenge)));
  }

  /** Takes the challenge out; null when it does not exist (any more). */
  async claim(challenge: string): Promise<MfaChallenge | null> {
    return parse(await this.redis.getdel(this.key(challenge)));
  }

  /** After a wrong code: back in, one failure more, same expiry; gone after the last allowed failure. */
  async putBack(challenge: string, data: MfaChallenge): Promise<void> {
    const failures = data.failures + 1;
    if (failures >= CHALLENGE_MAX_FAILURES || data.expiresAt <= Date.now()) return;
    await this.redis.set(this.key(challenge), JSON.stringify({ ...data, failures }), 'PXAT', data.expiresAt);
  }

  /** Whether `client` is the one the challenge was issued to. */
  static sameClient(data: MfaChallenge, client: ClientInfo): boolean {
    return data.ip === (client.ip ?? null) && data.userAgent === (client.userAgent ?? null);
  }

  // Stored under a hash: a Redis dump or MONITOR shows no usable challenge.
  private key(challenge: string): string {
    return `${this.prefix}:${createHash('sha256').update(challenge).digest('hex')}`;
  }
}

function parse(raw: string | null): MfaChallenge | null {
  return raw ? (JSON.parse(raw) as MfaChallenge) : null;
}
