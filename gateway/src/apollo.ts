// The GraphQL engine: Apollo Gateway (static supergraph, one signed data source per subgraph)
// inside Apollo Server 5, with the limits, masking, landing page and drain-on-stop settings.
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config, Logger, ServiceMetrics } from '@omni/core';
import type { GatewayContext } from './context.js';
import { maskGatewayError } from './errors.js';
import { operationLimits } from './limits.js';
import { gatewayObservabilityPlugin } from './observability.js';
import { SignedSubgraphDataSource } from './subgraph-data-source.js';
import { createFetchHistogram, createSubgraphFetcher } from './subgraph-fetcher.js';
import { routingUrl } from './supergraph.js';

export function createApolloServer(options: {
  config: Config;
  supergraphSdl: string;
  httpServer: Server;
  metrics: ServiceMetrics;
  logger: Logger;
  landingPage: boolean;
}): ApolloServer<GatewayContext> {
  const { config, httpServer, metrics, logger } = options;
  const fetchHistogram = createFetchHistogram(metrics.registry);
  const gateway = new ApolloGateway({
    // Static: no polling, no asking live subgraphs for their schema.
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource({
        name,
        url: routingUrl({ name, url }, config.gateway.subgraphUrls),
        fetcher: createSubgraphFetcher({ subgraph: name, timeoutMs: config.gateway.subgraphTimeoutMs, histogram: fetchHistogram }),
        secret: config.internalContext.secret,
        ttlSeconds: config.internalContext.ttlSeconds,
      }),
  });

  const limits = operationLimits({ exposeLimits: !config.isProduction, introspection: config.gateway.introspection });
  return new ApolloServer<GatewayContext>({
    gateway,
    logger,
    introspection: config.gateway.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // createGateway's stop() is the one shutdown path; Apollo's own handler would re-raise the
    // signal after stopping and race it.
    stopOnTerminationSignals: false,
    ...limits,
    formatError: (formatted) => maskGatewayError(formatted),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      options.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: false, footer: false })
        : ApolloServerPluginLandingPageDisabled(),
      gatewayObservabilityPlugin(metrics, logger),
      ...limits.plugins,
    ],
  });
}
