// Internal HTTP endpoints the gateway calls when Redis has no state for a credential:
//   POST /internal/principal-state  { companyId, userId, sessionId }  -> TokenStateAnswer
//   POST /internal/api-key          { companyId, apiKeyId, keyHash }  -> ApiKeyStateAnswer
// Each request carries a context signed by the gateway (core's signInternalContext, audience
// `auth-internal`, bound to the path and the exact JSON body); anything else is refused with 401,
// so these answers are never available to callers outside the platform.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  INTERNAL_CONTEXT_HEADER,
  InvalidInternalContextError,
  verifyInternalContext,
  type Logger,
  type SubgraphDefinition,
} from '@omni/core';
import type { z } from 'zod';
import type { SubgraphContext } from '../context.js';
import type { PrincipalStateReader } from './principal-state.js';
import { apiKeyRequestSchema, principalStateRequestSchema } from './validation.js';

/** The audience the gateway signs internal requests for (never a GraphQL subgraph's). */
export const INTERNAL_AUDIENCE = 'auth-internal';
const BODY_LIMIT_BYTES = 4096;

type App = Parameters<NonNullable<SubgraphDefinition<SubgraphContext>['routes']>>[0];

export interface InternalRoutesDeps {
  secret: string;
  reader: PrincipalStateReader;
  logger: Logger;
}

export function mountInternalRoutes(app: App, deps: InternalRoutesDeps): void {
  app.post('/internal/principal-state', endpoint(deps, principalStateRequestSchema, (body) => deps.reader.forToken(body)));
  app.post('/internal/api-key', endpoint(deps, apiKeyRequestSchema, (body) => deps.reader.forApiKey(body)));
}

function endpoint<S extends z.ZodType>(deps: InternalRoutesDeps, schema: S, answer: (body: z.output<S>) => Promise<unknown>) {
  return async (req: IncomingMessage & { path: string }, res: ServerResponse) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    // Unparsable or unsigned: not a gateway request, whatever else is wrong with it.
    const body = await readJson(req).catch(() => undefined);
    try {
      await verifyInternalContext(headerOf(req), {
        secret: deps.secret,
        subgraph: INTERNAL_AUDIENCE,
        operation: isRecord(body) ? { query: req.path, variables: body } : undefined,
      });
    } catch (error) {
      if (!(error instanceof InvalidInternalContextError)) throw error;
      return reply(401, errorBody('Unauthorized', 'UNAUTHENTICATED'));
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) return reply(400, errorBody('Malformed request', 'BAD_REQUEST'));
    try {
      return reply(200, await answer(parsed.data));
    } catch (error) {
      deps.logger.error({ err: error, path: req.path }, 'internal endpoint failed');
      return reply(500, errorBody('Internal server error', 'INTERNAL'));
    }
  };
}

/** The request body as JSON, at most BODY_LIMIT_BYTES (the gateway sends three ids). */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function headerOf(req: IncomingMessage): string | undefined {
  const header = req.headers[INTERNAL_CONTEXT_HEADER];
  return typeof header === 'string' ? header : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
