// The API-key rate limit: its own budget per key (API_KEY_RATE_LIMIT_PER_MINUTE), shared by every
// gateway replica through Redis (rate-limiter-flexible). While Redis is down each replica keeps
// counting in memory (the insurance limiter), so a key is never unlimited.
import type { Redis } from '@omni/core';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export class ApiKeyRateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('API key rate limit exceeded');
    this.name = 'ApiKeyRateLimitedError';
  }
}

export interface ApiKeyLimiter {
  /** Counts one request; throws ApiKeyRateLimitedError over the limit. */
  consume(apiKeyId: string): Promise<{ firstInWindow: boolean }>;
}

const WINDOW_SECONDS = 60;

export function createApiKeyLimiter(redis: Redis, perMinute: number): ApiKeyLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'omni:rl:apikey',
    points: perMinute,
    duration: WINDOW_SECONDS,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'omni:rl:apikey', points: perMinute, duration: WINDOW_SECONDS }),
  });
  return {
    async consume(apiKeyId) {
      try {
        const result = await limiter.consume(apiKeyId);
        return { firstInWindow: result.isFirstInDuration };
      } catch (error) {
        if (error instanceof RateLimiterRes) throw new ApiKeyRateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
        throw error;
      }
    },
  };
}
