// Bounds how long the abuse limits wait for Redis. A fail-fast client refuses commands while
// disconnected, which is what the limits want during an outage; right after start-up, though,
// the first connection attempt is awaited instead of refusing the first requests. A Redis that
// accepts but does not answer counts as down after `timeoutMs`.
import type { Redis } from '@omni/core';

const SETTLING_EVENTS = ['ready', 'close', 'end'] as const;

export class RedisDeadline {
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs: number,
  ) {}

  /** Runs `work` once the first connection attempt settled; rejects if it all takes too long. */
  run<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('abuse limits: redis did not answer in time')), this.timeoutMs);
    });
    return Promise.race([this.firstConnection().then(work), timeout]).finally(() => clearTimeout(timer));
  }

  private firstConnection(): Promise<void> {
    if (this.redis.status !== 'connecting' && this.redis.status !== 'connect') return Promise.resolve();
    this.connecting ??= new Promise<void>((resolve) => {
      const settled = () => {
        for (const event of SETTLING_EVENTS) this.redis.off(event, settled);
        this.connecting = undefined;
        resolve();
      };
      for (const event of SETTLING_EVENTS) this.redis.once(event, settled);
    });
    return this.connecting;
  }
}
