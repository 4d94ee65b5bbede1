// The gateway's side of Auth's internal endpoints (subgraphs/auth/src/internal), asked when Redis
// has no state for a credential. Each request is signed like a subgraph fetch (core's internal
// context) but for the audience `auth-internal` and bound to the endpoint path and the exact
// JSON body. Any failure — unreachable, timeout, non-2xx, an answer of the wrong shape — is
// `unavailable`: the credential's validity is unknown, which is a 503, never a 401.
import { randomUUID } from 'node:crypto';
import {
  apiKeyStateSchema,
  companyStateSchema,
  INTERNAL_CONTEXT_HEADER,
  membershipStateSchema,
  sessionStateSchema,
  signInternalContext,
  type ApiKeyStateAnswer,
  type TokenStateAnswer,
} from '@omni/core';
import { AuthenticationError } from '../auth.js';
import type { PresentedApiKey } from './api-key.js';

const AUDIENCE = 'auth-internal';


export interface AuthInternalClient {
  tokenState(request: { companyId: string; userId: string; sessionId: string }): Promise<TokenStateAnswer>;
  /** Also records the key's use (lastUsedAt, at most once a minute). */
  apiKeyState(request: PresentedApiKey): Promise<ApiKeyStateAnswer>;
}

export interface AuthInternalClientOptions {
  /** Auth's base URL, e.g. http://127.0.0.1:4001. */
  baseUrl: string;
  secret: string;
  ttlSeconds: number;
  timeoutMs: number;
}

export function createAuthInternalClient(options: AuthInternalClientOptions): AuthInternalClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  const post = async (path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    try {
      const requestId = randomUUID();
      const context = await signInternalContext(
        { principal: null, requestId, client: { ip: null, userAgent: null } },
        { secret: options.secret, subgraph: AUDIENCE, operation: { query: path, variables: body }, ttlSeconds: options.ttlSeconds },
      );
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_CONTEXT_HEADER]: context, 'x-request-id': requestId },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`auth answered HTTP ${response.status} on ${path}`);
      }
      const answer: unknown = await response.json();
      if (typeof answer !== 'object' || answer === null) throw new Error(`auth answered no object on ${path}`);
      return answer as Record<string, unknown>;
    } catch (error) {
      throw new AuthenticationError('unavailable', { cause: error });
    }
  };

  /** Parses one part of an answer; a shape the contract does not allow is `unavailable`. */
  const part = <T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AuthenticationError('unavailable', { cause: new Error('auth answered an unexpected state') });
    return parsed.data;
  };

  return {
    async tokenState(request) {
      const answer = await post('/internal/principal-state', { ...request });
      return {
        membership: part(membershipStateSchema, answer['membership']),
        session: part(sessionStateSchema, answer['session']),
        company: part(companyStateSchema, answer['company']),
      };
    },
    async apiKeyState(request) {
      const answer = await post('/internal/api-key', { ...request });
      const ttl = answer['ttlSeconds'];
      return {
        apiKey: part(apiKeyStateSchema, answer['apiKey']),
        company: answer['company'] === null ? null : part(companyStateSchema, answer['company']),
        ttlSeconds: typeof ttl === 'number' && Number.isInteger(ttl) && ttl > 0 ? ttl : 1,
      };
    },
  };
}
