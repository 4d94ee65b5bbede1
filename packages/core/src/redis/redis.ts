// Redis connections (ioredis). Commands fail fast while Redis is unreachable instead of queueing
// without bound; the client keeps reconnecting in the background.
import { Redis } from 'ioredis';
import type { Logger } from '../logger/logger.js';

export type { Redis };

/**
 * `logger` receives connection errors (readiness reports Redis as down meanwhile). `failFast`
 * rejects commands at once while disconnected, for callers that must decide immediately (rate
 * limits fail closed) rather than wait for a reconnect.
 */
export function createRedis(url: string, name: string, logger?: Logger, options: { failFast?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: options.failFast ? 0 : 1,
    enableOfflineQueue: !options.failFast,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Without a listener ioredis prints connection errors to stderr, unstructured.
  redis.on('error', (error: unknown) => logger?.warn({ err: error, redis: name }, 'redis connection error'));
  return redis;
}
