// Turns a verified credential into the principal subgraphs see, from the LIVE state rather than
// from what the credential said when it was issued: the current role, whether the membership and
// the session still exist, whether the API key is still valid, the company's modules now.
// Redis first (one MGET); on a miss, or with Redis down, Auth's internal endpoint. Both failing
// is `unavailable` (503). Concurrent misses for the same credential share one question to Auth.
import {
  apiKeyStateSchema,
  companyStateSchema,
  membershipStateSchema,
  PRINCIPAL_STATE_TTL_SECONDS,
  principalStateKeys as keys,
  sessionStateSchema,
  type ApiKeyPrincipal,
  type CompanyState,
  type ModuleName,
  type UserPrincipal,
} from '@omni/core';
import { AuthenticationError, type VerifiedToken } from '../auth.js';
import type { PresentedApiKey } from './api-key.js';
import type { AuthInternalClient } from './auth-internal-client.js';
import { parseState, type CacheEntry, type PrincipalStateCache } from './state-cache.js';

export interface ResolvedApiKey {
  principal: ApiKeyPrincipal;
  /** True when Auth was asked for this request (it then also recorded the key's use). */
  askedAuth: boolean;
}

export class PrincipalResolver {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cache: PrincipalStateCache,
    private readonly auth: AuthInternalClient,
  ) {}

  async forToken(token: VerifiedToken): Promise<UserPrincipal> {
    const { companyId, userId, sessionId } = token;
    const names = [keys.membership(companyId, userId), keys.session(sessionId), keys.company(companyId)] as const;
    const raw = await this.cache.read([...names]);
    let membership = parseState(membershipStateSchema, raw?.[0]);
    let session = parseState(sessionStateSchema, raw?.[1]);
    let company = parseState(companyStateSchema, raw?.[2]);
    // A token issued after a change the cache has not seen (a lost publish): the cache is stale.
    const stale = membership?.status === 'active' && token.version !== null && membership.version < token.version;
    if (!membership || !session || !company || stale) {
      const answer = await this.once(`token:${companyId}:${userId}:${sessionId}`, () => this.auth.tokenState({ companyId, userId, sessionId }));
      const newer = stale && answer.membership.status === 'active' && answer.membership.version > (membership?.status === 'active' ? membership.version : 0);
      this.cache.fill([
        ...entry(names[0], membership && !newer ? null : answer.membership, PRINCIPAL_STATE_TTL_SECONDS, newer),
        ...entry(names[1], session ? null : answer.session, PRINCIPAL_STATE_TTL_SECONDS),
        ...entry(names[2], company ? null : answer.company, PRINCIPAL_STATE_TTL_SECONDS),
      ]);
      ({ membership, session, company } = answer);
    }
    if (membership.status !== 'active' || session.status !== 'active') throw new AuthenticationError('invalid');
    return { kind: 'user', userId, companyId, role: membership.role, sessionId, modules: modulesOf(company) };
  }

  async forApiKey(key: PresentedApiKey): Promise<ResolvedApiKey> {
    const names = [keys.apiKey(key.keyHash), keys.company(key.companyId)] as const;
    const raw = await this.cache.read([...names]);
    let state = parseState(apiKeyStateSchema, raw?.[0]);
    let company = parseState(companyStateSchema, raw?.[1]);
    let askedAuth = false;
    if (!state || (state.status === 'active' && !company)) {
      const request = { companyId: key.companyId, apiKeyId: key.apiKeyId, keyHash: key.keyHash };
      const answer = await this.once(`apikey:${key.keyHash}`, () => this.auth.apiKeyState(request));
      askedAuth = true;
      this.cache.fill([
        ...entry(names[0], state ? null : answer.apiKey, answer.ttlSeconds),
        ...entry(names[1], company ? null : answer.company, PRINCIPAL_STATE_TTL_SECONDS),
      ]);
      state = answer.apiKey;
      company = company ?? answer.company;
    }
    // The id check also refuses a state cached under this hash for another key (never expected).
    if (state.status !== 'active' || !company || state.apiKeyId !== key.apiKeyId || state.companyId !== key.companyId) {
      throw new AuthenticationError('invalid');
    }
    const { apiKeyId, serviceAccountId, companyId, scopes } = state;
    return { principal: { kind: 'apiKey', apiKeyId, serviceAccountId, companyId, scopes, modules: modulesOf(company) }, askedAuth };
  }

  /** Tells Auth a key served from cache is in use (its lastUsedAt); Auth writes at most once a minute. */
  async recordUse(key: PresentedApiKey): Promise<void> {
    await this.auth.apiKeyState({ companyId: key.companyId, apiKeyId: key.apiKeyId, keyHash: key.keyHash });
  }

  /** Coalesces concurrent identical questions to Auth (not a cache: it lasts one round trip). */
  private once<T>(name: string, ask: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(name);
    if (pending) return pending as Promise<T>;
    const asked = ask().finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, asked);
    return asked;
  }
}

function entry(key: string, value: unknown, ttlSeconds: number, replace = false): CacheEntry[] {
  return value === null || value === undefined ? [] : [{ key, value, ttlSeconds, replace }];
}

/** Auth is the platform itself and always on; the rest is what the company switched on. */
function modulesOf(company: CompanyState): ModuleName[] {
  return [...new Set<ModuleName>(['auth', ...company.modules])];
}
