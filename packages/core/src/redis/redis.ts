// Redis connections (ioredis). Commands fail fast while Redis is unreachable instead of queueing
// without bound; the client keeps reconnecting in the background.
import { Redis } from 'ioredis';

export type { Redis };

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
