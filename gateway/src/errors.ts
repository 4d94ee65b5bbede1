// What a client may see of an error. GraphQL errors go through core's maskError (registry codes
// and GraphQL's request errors pass, anything else becomes INTERNAL) plus the gateway's own
// scrubbing of what Apollo Gateway adds: the subgraph's name and the fetch details. HTTP-level
// failures outside Apollo (body too large, malformed JSON) get the same JSON error shape, never
// Express's HTML page with a stack trace.
import { createLogger, maskError, type Logger } from '@omni/core';
import type { ErrorRequestHandler } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { loggerOf } from './context.js';

/** Extensions that describe the gateway's internals, not the client's request. */
const INTERNAL_EXTENSIONS = ['serviceName', 'stacktrace', 'exception', 'response', 'http'];

/**
 * maskError logs what it masks, but formatError has no request context, so that log line would
 * lack the request id. The gateway logs unexpected errors per request instead (observability.ts,
 * via isUnexpected) and lets maskError log to nowhere.
 */
const unlogged = createLogger({ service: 'gateway', level: 'silent' });

export function maskGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const masked = maskError(formatted, unlogged);
  if (!masked.extensions) return masked;
  const extensions = Object.fromEntries(Object.entries(masked.extensions).filter(([key]) => !INTERNAL_EXTENSIONS.includes(key)));
  return { ...masked, extensions };
}

/**
 * True when the client will only see "Internal server error" for this error. Takes `unknown`:
 * Apollo Gateway reports some fetch failures as plain Errors, whatever the plugin types say.
 */
export function isUnexpected(error: unknown): boolean {
  const extensions = (error as { extensions?: Record<string, unknown> } | null)?.extensions;
  return maskGatewayError({ message: '', extensions }).extensions?.['code'] === 'INTERNAL';
}

export function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** Last Express middleware: JSON errors with a status that says whose fault it was. */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large' || status === 413) {
      res.status(413).json(errorBody('Request body too large', 'BAD_REQUEST'));
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's own 4xx (malformed JSON, bad charset): the client's fault, details not needed.
      res.status(status).json(errorBody('Malformed request', 'BAD_REQUEST'));
    } else {
      loggerOf(req, logger).error({ err: error }, 'unhandled HTTP error');
      res.status(500).json(errorBody('Internal server error', 'INTERNAL'));
    }
  };
}
