// The signed internal context: how a subgraph knows a request came through the gateway and on
// whose behalf. The gateway signs { principal, request id, query hash } with a short expiry;
// subgraphs refuse anything without a valid signature (HTTP 401), `_service` and `_entities`
// included. The audience names one subgraph, so a context captured for one cannot be replayed
// against another, and the operation hash (query + variables) binds it to the exact operation it
// was issued for, so a captured context cannot carry other `_entities` representations.
import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { principalSchema, type Principal } from './principal.js';

export const INTERNAL_CONTEXT_HEADER = 'x-omni-context';
const ISSUER = 'omni-gateway';
const ALGORITHM = 'HS256';

/** What the gateway saw of the client: for sessions and audit records, never for trust decisions. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface InternalContext {
  principal: Principal | null;
  requestId: string;
  client: ClientInfo;
}

/** The operation a context is bound to: its query text and its variables. */
export interface SignedOperation {
  query: string;
  variables?: Record<string, unknown> | null | undefined;
}

export function hashOperation(operation: SignedOperation): string {
  return createHash('sha256')
    .update(operation.query)
    .update('\n')
    .update(JSON.stringify(operation.variables ?? {}))
    .digest('base64url');
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signInternalContext(
  context: InternalContext,
  options: { secret: string; subgraph: string; operation: SignedOperation; ttlSeconds: number },
): Promise<string> {
  return new SignJWT({
    principal: context.principal,
    rid: context.requestId,
    cip: context.client.ip,
    cua: context.client.userAgent,
    oh: hashOperation(options.operation),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'omni-internal+jwt' })
    .setIssuer(ISSUER)
    .setAudience(`omni-subgraph:${options.subgraph}`)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds}s`)
    .sign(key(options.secret));
}

export class InvalidInternalContextError extends Error {
  constructor(reason: string) {
    super(`invalid internal context: ${reason}`);
    this.name = 'InvalidInternalContextError';
  }
}

/** Verifies a context for this subgraph and this operation; throws InvalidInternalContextError. */
export async function verifyInternalContext(
  token: string | undefined,
  options: { secret: string; subgraph: string; operation: SignedOperation | undefined },
): Promise<InternalContext> {
  if (!token) throw new InvalidInternalContextError('missing');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(options.secret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: `omni-subgraph:${options.subgraph}`,
      typ: 'omni-internal+jwt',
      requiredClaims: ['exp', 'iat'],
    }));
  } catch {
    throw new InvalidInternalContextError('bad signature or expired');
  }
  if (!options.operation || payload['oh'] !== hashOperation(options.operation)) {
    throw new InvalidInternalContextError('issued for another operation');
  }
  const principal = payload['principal'] === null ? null : principalSchema.safeParse(payload['principal']);
  if (principal !== null && !principal.success) throw new InvalidInternalContextError('bad principal');
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    principal: principal === null ? null : principal.data,
    requestId: text(payload['rid']) ?? 'unknown',
    client: { ip: text(payload['cip']), userAgent: text(payload['cua']) },
  };
}
