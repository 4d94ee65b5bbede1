// A stand-in for Auth's internal endpoints (the real ones: subgraphs/auth/src/internal), so the
// gateway tests can run without the Auth module. It checks the gateway's signature exactly like
// Auth does (core's verifyInternalContext, audience `auth-internal`, bound to path and body) and
// answers from what the token issuer issued: a token's membership (role and `ver` from its
// claims), an active session and every module. Tests can override answers and delay them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  INTERNAL_CONTEXT_HEADER,
  MODULES,
  verifyInternalContext,
  type CompanyState,
  type MembershipState,
  type SessionState,
} from '@omni/core';
import type { TokenIssuer } from './token-issuer.js';

export interface TokenStateAnswer {
  membership: MembershipState;
  session: SessionState;
  company: CompanyState;
}

export interface AuthStandIn {
  url: string;
  /** Requests answered per path, signed or not. */
  requests: Array<{ path: string; status: number; body: unknown }>;
  /** Replaces the answer for a session id (e.g. a removed member). */
  answers: Map<string, Partial<TokenStateAnswer>>;
  /** Awaited before each answer, for tests that race Auth's reply against a publish. */
  beforeAnswer: (() => Promise<void>) | null;
  close(): Promise<void>;
}

export async function startAuthStandIn(issuer: TokenIssuer, secret: string): Promise<AuthStandIn> {
  const standIn: Omit<AuthStandIn, 'url' | 'close'> = { requests: [], answers: new Map(), beforeAnswer: null };

  const answer = (body: Record<string, unknown>): TokenStateAnswer => {
    const claims = issuer.issued.get(String(body['sessionId']));
    const known = claims && claims['sub'] === body['userId'] && claims['cid'] === body['companyId'];
    const base: TokenStateAnswer = known
      ? {
          membership: { status: 'active', role: claims['role'] as 'MEMBER', version: typeof claims['ver'] === 'number' ? claims['ver'] : 1 },
          session: { status: 'active' },
          company: { modules: [...MODULES] },
        }
      : { membership: { status: 'removed' }, session: { status: 'revoked' }, company: { modules: ['auth'] } };
    return { ...base, ...standIn.answers.get(String(body['sessionId'])) };
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      const body = JSON.parse((await readBody(req)) || 'null') as Record<string, unknown>;
      const reply = (status: number, payload: unknown) => {
        standIn.requests.push({ path, status, body });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      };
      try {
        await verifyInternalContext(header(req), { secret, subgraph: 'auth-internal', operation: { query: path, variables: body } });
      } catch {
        return reply(401, { errors: [{ message: 'Unauthorized' }] });
      }
      await standIn.beforeAnswer?.();
      if (path === '/internal/principal-state') return reply(200, answer(body));
      if (path === '/internal/api-key') return reply(200, { apiKey: { status: 'invalid' }, company: null, ttlSeconds: 300 });
      reply(404, {});
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(standIn, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function header(req: IncomingMessage): string | undefined {
  const value = req.headers[INTERNAL_CONTEXT_HEADER];
  return typeof value === 'string' ? value : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req as AsyncIterable<Buffer>) body += chunk.toString();
  return body;
}
