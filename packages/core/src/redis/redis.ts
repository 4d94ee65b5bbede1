// Redis connections (ioredis). Commands fail fast while Redis is unreachable instead of queueing
// without bound; the client keeps reconnecting in the background.
import { Redis } from 'ioredis';
import type { Logger } from '../logger/logger.js';

export type { Redis };

/** `logger` receives connection errors (readiness reports Redis as down meanwhile). */
export function createRedis(url: string, name: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Without a listener ioredis prints connection errors to stderr, unstructured.
  redis.on('error', (error: unknown) => logger?.warn({ err: error, redis: name }, 'redis connection error'));
  return redis;
}
