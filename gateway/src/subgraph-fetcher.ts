// How the gateway talks HTTP to subgraphs: Node's fetch with a hard timeout, no redirects, and a
// duration histogram by subgraph and outcome. Failures are rethrown as SubgraphFetchError, whose
// message names the subgraph but not its URL (the URL stays in the logs, via `cause`).
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Histogram, type Registry } from 'prom-client';

/** The fetch function type RemoteGraphQLDataSource accepts. */
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export type FetchOutcome = 'ok' | 'http_error' | 'timeout' | 'unreachable';

export class SubgraphFetchError extends Error {
  constructor(
    readonly subgraph: string,
    readonly outcome: Exclude<FetchOutcome, 'ok'>,
    options?: { cause?: unknown },
  ) {
    super(`subgraph ${subgraph}: ${outcome}`, options);
    this.name = 'SubgraphFetchError';
  }
}

export function createFetchHistogram(registry: Registry): Histogram<'subgraph' | 'outcome'> {
  return new Histogram({
    name: 'omni_gateway_subgraph_fetch_duration_seconds',
    help: 'Gateway to subgraph HTTP fetch duration in seconds (until response headers), by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

export function createSubgraphFetcher(options: {
  subgraph: string;
  timeoutMs: number;
  histogram: Histogram<'subgraph' | 'outcome'>;
}): Fetcher {
  const { subgraph, timeoutMs, histogram } = options;
  return async (url, init) => {
    const done = histogram.startTimer({ subgraph });
    let response: Response;
    try {
      response = await fetch(url, {
        method: init?.method,
        headers: init?.headers,
        body: init?.body as string | undefined,
        // A subgraph never redirects; following one would send the signed context elsewhere.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
      done({ outcome });
      throw new SubgraphFetchError(subgraph, outcome, { cause: error });
    }
    done({ outcome: response.ok ? 'ok' : 'http_error' });
    return response as FetcherResponse;
  };
}
