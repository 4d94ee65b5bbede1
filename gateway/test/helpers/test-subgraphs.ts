// The upstreams the gateway integration tests run against:
// - `omni`: a real subgraph built by core's createSubgraphServer (signature check, shield, masking,
//   real PostgreSQL and Redis for readiness), with a tiny schema defined here. It records the
//   headers of every /graphql request, so tests can see exactly what the gateway forwarded.
// - `legacy`: a plain HTTP server that behaves like a badly written subgraph, leaking SQL, stack
//   traces and internal URLs, so tests can prove the gateway masks what a subgraph does not.
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allow,
  createDatabase,
  createLogger,
  createRedis,
  createSubgraphServer,
  moduleEnabled,
  ValidationError,
  type Config,
  type RequestContext,
  type RunningService,
} from '@omni/core';
import { parse } from 'graphql';
import { OMNI_SDL } from './fixture-supergraph.js';

export interface OmniSubgraph {
  url: string;
  origin: string;
  /** Headers of each /graphql request received, oldest first. */
  seen: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

interface Thing {
  id: string;
  name: string;
}
const thing = (id: string): Thing => ({ id, name: `thing ${id}` });

const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, ctx: RequestContext) => ({
      userId: ctx.principal?.kind === 'user' ? ctx.principal.userId : null,
      companyId: ctx.principal?.companyId ?? null,
      role: ctx.principal?.kind === 'user' ? ctx.principal.role : null,
      modules: ctx.principal?.modules ?? null,
      requestId: ctx.requestId,
    }),
    thing: (_: unknown, args: { id: string }) => thing(args.id),
    slow: async (_: unknown, args: { ms: number }) => {
      await sleep(args.ms);
      return 'done';
    },
    boom: () => {
      throw new Error('insert into "User" ("email") values ($1) violates unique constraint "User_email_key" at postgresql://omni_app@10.0.0.9:5432/omni');
    },
    invalidInput: () => {
      throw new ValidationError([{ field: 'input.email', message: 'Invalid email' }]);
    },
    crmThing: () => 'crm is on',
  },
  Mutation: { touch: () => true },
  Thing: {
    __resolveReference: (ref: { id: string }) => thing(ref.id),
    child: (parent: Thing) => thing(`${parent.id}.1`),
  },
};

const permissions = {
  Query: { whoami: allow, thing: allow, slow: allow, boom: allow, invalidInput: allow, crmThing: moduleEnabled('crm') },
  Mutation: { touch: allow },
  Whoami: allow,
  Thing: allow,
};

export async function startOmniSubgraph(config: Config): Promise<OmniSubgraph> {
  const logger = createLogger({ service: 'omni-test-subgraph', level: config.logLevel });
  const seen: IncomingHttpHeaders[] = [];
  const service: RunningService = await createSubgraphServer(
    {
      name: 'omni',
      typeDefs: parse(OMNI_SDL),
      resolvers,
      permissions,
      extendContext: (base) => base,
      routes: (app) => {
        app.use('/graphql', (req, _res, next) => {
          seen.push({ ...req.headers });
          next();
        });
      },
    },
    { config, logger, database: createDatabase(config.database, logger), redis: createRedis(config.redis.url, 'omni-test-subgraph') },
  );
  const port = await service.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/graphql`, origin, seen, stop: () => service.stop() };
}

export interface LegacySubgraph {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

export const LEGACY_LEAK = {
  message: 'select * from "User" where "id" = $1 failed: connect to http://10.1.2.3:5432 refused',
  stack: 'Error: boom\n    at query (/srv/legacy/src/db.js:42:7)',
};

/** Implements LEGACY_SDL (fixture-supergraph.ts), badly. */
export async function startLegacySubgraph(): Promise<LegacySubgraph> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/readyz') return void res.writeHead(200).end('{"status":"ready"}');
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const query = String((JSON.parse(body || '{}') as { query?: unknown }).query ?? '');
      if (query.includes('broken')) {
        return void res.writeHead(500, { 'content-type': 'text/html' }).end(`<pre>${LEGACY_LEAK.stack}</pre>`);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          data: { leaky: null },
          errors: [{ message: LEGACY_LEAK.message, path: ['leaky'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: LEGACY_LEAK.stack.split('\n') } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/graphql`,
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
