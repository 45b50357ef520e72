import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type BaseContext } from '@apollo/server';

export interface FederationOptions {
  supergraphSdl: string;
  /** Subgraph URLs that replace the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string | undefined>;
}

/**
 * The query-serving core: `@apollo/gateway` over a static supergraph inside Apollo Server. The
 * HTTP and WebSocket serving around it lives in startGateway.ts.
 */
export function createFederatedServer(options: FederationOptions): {
  gateway: ApolloGateway;
  server: ApolloServer<BaseContext>;
} {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({ url: options.subgraphUrls[name] ?? url }),
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  return { gateway, server };
}
