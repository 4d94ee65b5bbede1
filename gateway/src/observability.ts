// Per-operation metrics and one log line per operation. Like core's observabilityPlugin, except
// that label values are bounded: at the gateway the operation name comes from anonymous clients,
// and one time series per made-up name would let anyone grow the metrics registry without limit.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger, ServiceMetrics } from '@omni/core';
import type { GatewayContext } from './context.js';
import { isUnexpected } from './errors.js';

const MAX_OPERATION_LABELS = 200;
const MAX_CODE_LABELS = 50;

/** Passes the first `max` distinct values through and maps the rest to "other". */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

export function gatewayObservabilityPlugin(metrics: ServiceMetrics, fallbackLogger: Logger): ApolloServerPlugin<GatewayContext> {
  const operationLabel = boundedLabel(MAX_OPERATION_LABELS);
  const codeLabel = boundedLabel(MAX_CODE_LABELS);
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        // Logged here, with the request's logger (request id, caller), because the client only
        // gets "Internal server error"; `cause` carries the details, subgraph URL included.
        async didEncounterErrors({ errors, contextValue }) {
          const logger = contextValue?.logger ?? fallbackLogger;
          for (const error of errors) {
            if (isUnexpected(error)) logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ operationName, errors, contextValue }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = operationName ?? 'anonymous';
          const codes = (errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL'));
          for (const code of codes) metrics.errors.inc({ code: codeLabel(code) });
          metrics.operationDuration.observe({ operation: operationLabel(operation), outcome: codes.length ? 'error' : 'ok' }, seconds);
          (contextValue?.logger ?? fallbackLogger).info(
            { operation, durationMs: Math.round(seconds * 1000), errors: codes.length ? codes : undefined },
            'graphql operation',
          );
        },
      };
    },
  };
}
