import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * One graphql-ws connection per subgraph, opened on the first subscription and shared by all
 * of them. A dropped connection (a subgraph restart) is retried forever with exponential
 * backoff and jitter, and graphql-ws re-subscribes every active operation on reconnect.
 */
export interface SubgraphSockets {
  subscribe(
    subgraphUrl: string,
    request: {
      query: string;
      variables: Record<string, unknown>;
      operationName?: string | undefined;
      /** Rides along with the subscribe message (the caller's signed identity). */
      extensions?: Record<string, unknown>;
    },
    sink: {
      next(result: ExecutionResult): void;
      error(error: unknown): void;
      complete(): void;
    },
  ): () => void;
  close(): Promise<void>;
}

const maxBackoffMs = 10_000;

export function createSubgraphSockets(
  options: { connectionParams?: () => Record<string, unknown> } = {},
): SubgraphSockets {
  const clients = new Map<string, Client>();
  const clientFor = (subgraphUrl: string) => {
    let client = clients.get(subgraphUrl);
    if (!client) {
      client = createClient({
        url: subgraphUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: () => true,
        retryWait: async (retries) => {
          const ceiling = Math.min(maxBackoffMs, 100 * 2 ** retries);
          await new Promise((resolve) =>
            setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)),
          );
        },
        keepAlive: 10_000,
        ...(options.connectionParams ? { connectionParams: options.connectionParams } : {}),
      });
      clients.set(subgraphUrl, client);
    }
    return client;
  };
  return {
    subscribe(subgraphUrl, request, sink) {
      return clientFor(subgraphUrl).subscribe(request, {
        next: (result) => sink.next(result as ExecutionResult),
        error: (error) => sink.error(error),
        complete: () => sink.complete(),
      });
    },
    async close() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}
