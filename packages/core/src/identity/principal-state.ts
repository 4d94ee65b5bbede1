// The live authorization state behind a token, shared through Redis by Auth (which writes it
// after every change) and the gateway (which reads it on every request). An access token says
// who the caller was when it was issued; this says what is true now, so a role change, a removed
// member, a revoked session or a switched-off module takes effect on the next request, on every
// replica, without waiting for the token to expire.
import { z } from 'zod';
import { MODULES, ROLES } from './principal.js';
import { PERMISSIONS } from './permissions.js';

/**
 * How long state stays cached. Auth rewrites keys on every change; the TTL bounds staleness if a
 * write after a change is lost (Redis unreachable at that moment).
 */
export const PRINCIPAL_STATE_TTL_SECONDS = 300;

export const principalStateKeys = {
  /** A user's membership in a company: MembershipState JSON, or absent when unknown. */
  membership: (companyId: string, userId: string) => `omni:ps:membership:${companyId}:${userId}`,
  /** A session: SessionState JSON. */
  session: (sessionId: string) => `omni:ps:session:${sessionId}`,
  /** A company's switched-on modules: CompanyState JSON. */
  company: (companyId: string) => `omni:ps:company:${companyId}`,
  /** An API key, by the SHA-256 of the presented key: ApiKeyState JSON. */
  apiKey: (keyHash: string) => `omni:ps:apikey:${keyHash}`,
};

export const membershipStateSchema = z.union([
  z.object({ status: z.literal('active'), role: z.enum(ROLES), version: z.number().int() }),
  z.object({ status: z.literal('removed') }),
]);
export const sessionStateSchema = z.object({ status: z.enum(['active', 'revoked']) });
export const companyStateSchema = z.object({ modules: z.array(z.enum(MODULES)) });
export const apiKeyStateSchema = z.union([
  z.object({
    status: z.literal('active'),
    apiKeyId: z.uuid(),
    serviceAccountId: z.uuid(),
    companyId: z.uuid(),
    scopes: z.array(z.enum(PERMISSIONS)),
  }),
  z.object({ status: z.literal('invalid') }),
]);

export type MembershipState = z.infer<typeof membershipStateSchema>;
export type SessionState = z.infer<typeof sessionStateSchema>;
export type CompanyState = z.infer<typeof companyStateSchema>;
export type ApiKeyState = z.infer<typeof apiKeyStateSchema>;

/** What Auth's internal endpoint answers for an access token's state (gateway cache miss). */
export interface TokenStateAnswer {
  membership: MembershipState;
  session: SessionState;
  company: CompanyState;
}

/** What Auth's internal endpoint answers for a presented API key. */
export interface ApiKeyStateAnswer {
  apiKey: ApiKeyState;
  /** The key's company; null when the key is invalid. */
  company: CompanyState | null;
  /** How long the answer may be cached: never past the key's own expiry. */
  ttlSeconds: number;
}
