// Per-request state of the gateway: who is calling (from a verified token only), the request id
// and the trace the request belongs to. Express middleware fills it in; the Apollo context and
// every subgraph fetch read it from there.
import { requestIdOf, type ClientInfo, type Logger, type Principal } from '@omni/core';
import type { NextFunction, Request, Response } from 'express';
import { traceOf, type TraceContext } from './trace.js';

export interface GatewayContext {
  requestId: string;
  /** null for anonymous callers (no Authorization header). */
  principal: Principal | null;
  trace: TraceContext;
  /** The caller's address (see TRUST_PROXY_HOPS) and user agent, forwarded for sessions and audit. */
  client: ClientInfo;
  /** Child logger carrying requestId (and the caller once known). */
  logger: Logger;
}

// Keyed by the request object itself, so nothing is added to Express's types or objects.
const states = new WeakMap<Request, GatewayContext>();

/** First middleware: assigns the request id (echoed as `x-request-id`) and the trace. */
export function requestState(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    states.set(req, {
      requestId,
      principal: null,
      trace: traceOf(req.headers['traceparent']),
      client: { ip: req.ip ?? null, userAgent: req.headers['user-agent']?.slice(0, 500) ?? null },
      logger: logger.child({ requestId }),
    });
    next();
  };
}

/** The state `requestState` attached; throws if the middleware order is wrong. */
export function stateOf(req: Request): GatewayContext {
  const state = states.get(req);
  if (!state) throw new Error('requestState middleware must run first');
  return state;
}

/** The request's logger when requestState ran, else `fallback`. */
export function loggerOf(req: Request, fallback: Logger): Logger {
  return states.get(req)?.logger ?? fallback;
}
