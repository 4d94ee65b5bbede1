// One data source per subgraph. Every request it sends carries exactly: the JSON content type, the
// signed internal context (principal + request id, bound to this subgraph and this query), the
// request id and a W3C traceparent. Nothing the client sent is forwarded, so a client cannot
// smuggle identity headers (x-omni-context, x-user-id, x-company-id, x-roles, ...) through.
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_CONTEXT_HEADER, signInternalContext } from '@omni/core';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';
import type { Fetcher } from './subgraph-fetcher.js';
import { childTraceparent, traceOf } from './trace.js';

export interface SignedDataSourceOptions {
  name: string;
  url: string;
  fetcher: Fetcher;
  secret: string;
  ttlSeconds: number;
}

/** Headers a subgraph request may carry; everything else is removed before sending. */
const KEEP = new Set(['content-type']);

export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;
  private readonly signing: { secret: string; ttlSeconds: number };

  constructor(options: SignedDataSourceOptions) {
    super({ url: options.url, fetcher: options.fetcher });
    this.subgraph = options.name;
    this.signing = { secret: options.secret, ttlSeconds: options.ttlSeconds };
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const { request } = options;
    const headers = request.http?.headers;
    if (!headers || typeof request.query !== 'string') throw new Error('subgraph request without headers or query');
    for (const [name] of Array.from(headers)) if (!KEEP.has(name.toLowerCase())) headers.delete(name);

    // Only operations a client sent carry a principal; anything else runs as nobody.
    const context: Partial<GatewayContext> = 'incomingRequestContext' in options ? options.context : {};
    const requestId = context.requestId ?? randomUUID();
    headers.set(
      INTERNAL_CONTEXT_HEADER,
      await signInternalContext(
        { principal: context.principal ?? null, requestId, client: context.client ?? { ip: null, userAgent: null } },
        { secret: this.signing.secret, ttlSeconds: this.signing.ttlSeconds, subgraph: this.subgraph, operation: { query: request.query, variables: request.variables } },
      ),
    );
    headers.set('x-request-id', requestId);
    headers.set('traceparent', childTraceparent(context.trace ?? traceOf(undefined)));
  }

  /**
   * A non-2xx answer means the subgraph refused or broke, never something the client caused (a
   * 401 here is a gateway/subgraph secret mismatch). The default error would copy the subgraph's
   * URL and body into `extensions.response`; this one carries neither, and its code is masked as
   * INTERNAL on the way out.
   */
  override async errorFromResponse(response: Awaited<ReturnType<Fetcher>>): Promise<GraphQLError> {
    await response.text().catch(() => undefined);
    return new GraphQLError(`subgraph ${this.subgraph} answered HTTP ${response.status}`, {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
    });
  }
}
