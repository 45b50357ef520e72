import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer for tests, as one would stand in front of subgraph instances: each
 * connection goes to the first backend that accepts it, in the order given, so a test decides
 * which instance a gateway normally reaches and where it fails over to when that one dies.
 */
export interface LoadBalancer {
  url: string;
  close(): Promise<void>;
}

export async function startLoadBalancer(backends: string[]): Promise<LoadBalancer> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.pause();
    const tryBackend = (index: number) => {
      const backend = backends[index];
      if (!backend) {
        client.destroy();
        return;
      }
      const { hostname, port } = new URL(backend);
      const upstream = createConnection({ host: hostname, port: Number(port) });
      let connected = false;
      upstream.once('error', () => {
        if (!connected) tryBackend(index + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        open.add(upstream);
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
