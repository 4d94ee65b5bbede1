// Pieces every service (gateway and subgraphs) shares: health and readiness endpoints, the
// metrics endpoint, an Apollo plugin that records metrics and logs, error masking, and graceful
// shutdown on SIGTERM.
import type { Server } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Express, Request } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { isErrorCode } from '../errors/errors.js';
import type { Logger } from '../logger/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';

/** A named readiness check; it throws when the dependency is unavailable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export function mountOperationalRoutes(
  app: Express,
  options: { metrics: ServiceMetrics; checks: ReadinessCheck[]; isShuttingDown: () => boolean; logger: Logger },
): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (options.isShuttingDown()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    const results = await Promise.all(
      options.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2_000);
          return [name, 'ok'] as const;
        } catch (error) {
          options.logger.warn({ check: name, err: error }, 'readiness check failed');
          return [name, 'down'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-request-id when well-formed, else a fresh one. */
export function requestIdOf(req: Pick<Request, 'headers'>): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Records operation duration and error codes, and logs each operation once. */
export function observabilityPlugin<T extends BaseContext & { logger?: Logger }>(metrics: ServiceMetrics, fallbackLogger: Logger): ApolloServerPlugin<T> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors, contextValue: ctx }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = operationName ?? 'anonymous';
          const codes = (errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL'));
          for (const code of codes) metrics.errors.inc({ code });
          metrics.operationDuration.observe({ operation, outcome: codes.length ? 'error' : 'ok' }, seconds);
          const requestLogger = ctx.logger ?? contextValue.logger;
          // A request's child logger already carries the operation name.
          (requestLogger ?? fallbackLogger).info(
            { ...(requestLogger ? {} : { operation }), durationMs: Math.round(seconds * 1000), errors: codes.length ? codes : undefined },
            'graphql operation',
          );
        },
      };
    },
  };
}

/**
 * Masks anything that is not a deliberate client-facing error: no stack traces, SQL, file paths
 * or internal URLs ever leave a service. Known codes from the registry and GraphQL's own
 * request errors (parse/validation) pass through.
 */
export function maskError(formatted: GraphQLFormattedError, logger: Logger, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  const passThrough =
    isErrorCode(code) ||
    code === 'GRAPHQL_PARSE_FAILED' ||
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    code === 'BAD_USER_INPUT' ||
    code === 'PERSISTED_QUERY_NOT_FOUND' ||
    code === 'PERSISTED_QUERY_NOT_SUPPORTED' ||
    code === 'OPERATION_RESOLUTION_FAILURE';
  if (passThrough && code !== 'INTERNAL') {
    const { stacktrace: _stack, exception: _exception, serviceName: _service, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  logger.error({ err: error ?? formatted }, 'unexpected error');
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL' },
  };
}

/**
 * Stops the service on SIGTERM/SIGINT: `stop` drains in-flight requests and closes
 * connections; the process exits 0 when it is done, 1 if it fails.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** Starts listening and resolves with the bound port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
