// Per-IP rates and per-account lockouts for the guessable operations, kept in Redis so every
// replica shares them. Fails CLOSED: when Redis cannot answer, the action is refused.
//
// For callers: `check` before the work counts the attempt (per IP always; per account until a
// `succeed` resets it), so parallel or aliased attempts cannot slip past the lockout, and
// attempts never followed by `succeed` count as failures. `fail` makes the failure that reaches
// the threshold start the lockout at once; `succeed` only after a real success.
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, type Logger, type Redis } from '@omni/core';
import { DEFAULT_POLICIES, type LimitedAction, type LimitPolicy } from './policies.js';
import { RedisDeadline } from './redis-deadline.js';

export type { LimitedAction, LimitPolicy } from './policies.js';

export interface LimitKeys {
  /** Email, user id or token scope: whatever names the account being guessed at. */
  account?: string | null;
  ip?: string | null;
}

export interface AbuseLimitsOptions {
  logger?: Logger;
  policies?: Partial<Record<LimitedAction, LimitPolicy>>;
  /** Redis key namespace (tests isolate themselves with their own). */
  prefix?: string;
  /** A Redis call slower than this counts as Redis being down. */
  timeoutMs?: number;
}

/** Seconds a client is told to wait when Redis is unavailable. */
const UNAVAILABLE_RETRY_SECONDS = 5;

interface ActionLimiters {
  policy: LimitPolicy;
  ip: RateLimiterRedis;
  /** Attempts since the account's last success; counted at `check` so parallel calls count too. */
  attempts: RateLimiterRedis;
  lockouts: RateLimiterRedis;
  locked: RateLimiterRedis;
}

export class AbuseLimits {
  private readonly limiters = new Map<LimitedAction, ActionLimiters>();
  private readonly logger: Logger | undefined;
  private readonly deadline: RedisDeadline;

  constructor(redis: Redis, options: AbuseLimitsOptions = {}) {
    this.logger = options.logger;
    this.deadline = new RedisDeadline(redis, options.timeoutMs ?? 2_000);
    const prefix = options.prefix ?? 'omni:abuse';
    for (const [action, defaults] of Object.entries(DEFAULT_POLICIES) as [LimitedAction, LimitPolicy][]) {
      const policy = options.policies?.[action] ?? defaults;
      const limiter = (name: string, points: number, duration: number) =>
        new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${action}:${name}`, points, duration });
      this.limiters.set(action, {
        policy,
        ip: limiter('ip', policy.ipPoints, policy.ipWindowSeconds),
        attempts: limiter('attempts', policy.failuresBeforeLockout, policy.lockoutMemorySeconds),
        lockouts: limiter('lockouts', Number.MAX_SAFE_INTEGER, policy.lockoutMemorySeconds),
        locked: limiter('locked', 1, policy.lockoutMaxSeconds),
      });
    }
  }

  /** Throws RATE_LIMITED (with `retryAfterSeconds`) when the IP or the account may not try now. */
  async check(action: LimitedAction, keys: LimitKeys): Promise<void> {
    const l = this.get(action);
    const ip = ipKey(keys.ip);
    const account = accountKey(keys.account);
    await this.guard(action, async () => {
      if (ip) await rejectAsLimited(l.ip.consume(ip));
      if (!account) return;
      const locked = await l.locked.get(account);
      if (locked) throw rateLimited(locked.msBeforeNext);
      const attempt = await l.attempts.consume(account).catch(async (error: unknown) => {
        // More attempts in flight or unreported than allowed: that is a lockout too.
        if (!(error instanceof RateLimiterRes)) throw error;
        return null;
      });
      if (!attempt) throw rateLimited(await this.lockOut(l, account));
    });
  }

  /** Records a failed attempt; the failure that reaches the threshold locks the account out. */
  async fail(action: LimitedAction, keys: LimitKeys): Promise<void> {
    const l = this.get(action);
    const account = accountKey(keys.account);
    if (!account) return;
    await this.guard(action, async () => {
      const attempts = await l.attempts.get(account);
      if (attempts && attempts.consumedPoints >= l.policy.failuresBeforeLockout) await this.lockOut(l, account);
    });
  }

  /** Resets the account's consecutive failures (an active lockout stays). */
  async succeed(action: LimitedAction, keys: LimitKeys): Promise<void> {
    const account = accountKey(keys.account);
    if (!account) return;
    try {
      await this.deadline.run(() => this.get(action).attempts.delete(account));
    } catch (error) {
      // The success already happened; a stale counter only makes the limit stricter.
      this.logger?.warn({ err: error, action }, 'abuse limits: could not reset failures');
    }
  }

  /** Locks the account out for the next period; returns the lockout in milliseconds. */
  private async lockOut(l: ActionLimiters, account: string): Promise<number> {
    // Only the caller that clears the counter starts a lockout, so racing failures count once.
    const cleared = await l.attempts.delete(account);
    if (!cleared) return (await l.locked.get(account))?.msBeforeNext ?? l.policy.lockoutBaseSeconds * 1000;
    const { consumedPoints } = await l.lockouts.consume(account);
    const seconds = Math.min(l.policy.lockoutBaseSeconds * 2 ** (consumedPoints - 1), l.policy.lockoutMaxSeconds);
    await l.locked.block(account, seconds);
    return seconds * 1000;
  }

  /** Runs Redis work; anything but our own RATE_LIMITED means Redis failed, so refuse. */
  private async guard(action: LimitedAction, work: () => Promise<void>): Promise<void> {
    try {
      await this.deadline.run(work);
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.logger?.warn({ err: error, action }, 'abuse limits unavailable; refusing (fail closed)');
      throw rateLimited(UNAVAILABLE_RETRY_SECONDS * 1000);
    }
  }

  private get(action: LimitedAction): ActionLimiters {
    const limiters = this.limiters.get(action);
    if (!limiters) throw new Error(`unknown limited action ${action}`);
    return limiters;
  }
}

function rateLimited(msBeforeNext: number): AppError {
  return new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

async function rejectAsLimited(consumption: Promise<RateLimiterRes>): Promise<void> {
  try {
    await consumption;
  } catch (error) {
    throw error instanceof RateLimiterRes ? rateLimited(error.msBeforeNext) : error;
  }
}

// Hashed so no email or address appears in Redis; normalised so case cannot dodge the count.
const digest = (kind: string, value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');
const accountKey = (account?: string | null) => (account?.trim() ? digest('account', account.trim().toLowerCase()) : null);
const ipKey = (ip?: string | null) => (ip?.trim() ? digest('ip', ip.trim().toLowerCase()) : null);
