import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running HTTP service: what every start function returns. */
export interface ServiceHandle {
  url: string;
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * Listens with exact-path routes (`GET /healthz`, `* /graphql`) and prefix routes ending in `*`
 * (`GET /graphql/assets/*`); anything else is a 404. A handler that throws gets a 500 without
 * internals.
 */
export async function listen(options: {
  routes: Record<string, Route>;
  port: number;
  host: string;
}): Promise<{ server: Server; origin: string }> {
  const prefixRoutes = Object.entries(options.routes)
    .filter(([key]) => key.endsWith('*'))
    .map(([key, route]) => [key.slice(0, -1), route] as const);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route =
      options.routes[`${req.method} ${path}`] ??
      options.routes[`* ${path}`] ??
      prefixRoutes.find(([prefix]) => `${req.method} ${path}`.startsWith(prefix))?.[1];
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });
  // Subgraph and gateway calls are many small requests over few connections: keep them open.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { server, origin: `http://${host}:${port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Closes the services on SIGINT/SIGTERM, in order (a server before the tracing that exports its
 * last spans), then lets the process end. Undefined ones (e.g. tracing that is off) are skipped.
 */
export function closeOnSignal(...services: ({ close(): Promise<void> } | undefined)[]): void {
  const closeAll = async () => {
    for (const service of services) await service?.close();
  };
  const stop = () => {
    closeAll().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
