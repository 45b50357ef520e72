import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A notification URL for tests of the emulators' webhook delivery: a real HTTP server that
 * keeps every request it gets and answers each with the status `answer` picks for it, or
 * never answers (`'hang'`).
 */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The body exactly as sent. */
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface WebhookListener {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookListener(
  answer: (index: number) => number | 'hang' = () => 200,
): Promise<WebhookListener> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.length;
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      for (const waiter of waiters) waiter();
      const status = answer(index);
      if (status === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/square`,
    received,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`got ${received.length} of ${count} webhooks`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
