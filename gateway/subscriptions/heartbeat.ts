import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Mobile networks drop connections without closing them: a phone that lost its signal leaves a
 * socket the gateway would keep, with its subscriptions and their upstreams, until the kernel's
 * TCP keepalive gives up hours later. Every `intervalMs` each socket is pinged (the WebSocket
 * protocol's ping, which browsers and `ws` answer by themselves); one that has not answered
 * the previous ping is terminated, which ends its subscriptions like a close would.
 */
export function startHeartbeat(
  wss: WebSocketServer,
  intervalMs: number,
  onTerminated: () => void,
): () => void {
  const answered = new WeakSet<WebSocket>();
  wss.on('connection', (socket) => {
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (!answered.has(socket)) {
        socket.terminate();
        onTerminated();
        continue;
      }
      answered.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
