// The gateway's view of the live principal state in Redis (packages/core/src/identity/
// principal-state.ts). One MGET per request reads everything a credential needs. Fills after a
// miss use SET NX, so a fill (read from PostgreSQL a moment ago) never overwrites what Auth
// published after a change in the meantime; only a value proven stale is replaced outright.
import type { Logger, Redis } from '@omni/core';

interface Parser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface CacheEntry {
  key: string;
  value: unknown;
  ttlSeconds: number;
  /** Replace what is there: only for a cached value known to be older than this one. */
  replace?: boolean;
}

export class PrincipalStateCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  /** The raw values under `keys`, or null when Redis cannot answer (the caller asks Auth). */
  async read(keys: string[]): Promise<Array<string | null> | null> {
    try {
      return await this.redis.mget(...keys);
    } catch (error) {
      this.logger.warn({ err: error }, 'principal state unreadable from redis; asking auth');
      return null;
    }
  }

  /** Best effort, off the request path: the request already has its answer. */
  fill(entries: CacheEntry[]): void {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { key, value, ttlSeconds, replace } of entries) {
      const json = JSON.stringify(value);
      if (replace) pipeline.set(key, json, 'EX', ttlSeconds);
      else pipeline.set(key, json, 'EX', ttlSeconds, 'NX');
    }
    pipeline.exec().catch((error: unknown) => this.logger.warn({ err: error }, 'could not cache principal state'));
  }
}

/** A cached value in its contract's shape, or null (absent, unreadable or malformed: ask Auth). */
export function parseState<T>(schema: Parser<T>, raw: string | null | undefined): T | null {
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
