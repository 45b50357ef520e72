import type { Route } from '../../platform/httpServer.ts';
import { traceIncomingRequest } from '../../platform/spans.ts';
import type { EntityChange } from './changeApplier.ts';
import { type ReconcileSource, startReconcileLoop } from './reconcileLoop.ts';
import type { SubgraphRuntime } from './subgraphRuntime.ts';
import { createWebhookReceiver, type WebhookFormat } from './webhookReceiver.ts';

/**
 * How a subgraph hears about vendor changes, wired the same way for every vendor: the webhook
 * receiver route and the reconciliation pollers, both feeding the runtime's change applier.
 * A subgraph brings only its vendor's webhook format, its mapping (event -> changes) and its
 * poll queries.
 */

/** Vendor events are small (a Square inventory event holds at most 100 counts): 1 MiB is ample. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

export function webhookRoutes<E>(
  runtime: SubgraphRuntime,
  format: WebhookFormat<E>,
  changesOf: (event: E) => EntityChange[],
): Record<string, Route> {
  const receive = createWebhookReceiver({
    format,
    endpoint: runtime.webhooks,
    ledger: runtime.ledger,
    applier: runtime.applier,
    counters: runtime.counters,
    maxBodyBytes: MAX_WEBHOOK_BYTES,
    changesOf,
  });
  const route = { route: format.path, attributes: { 'subgraph.name': runtime.name } };
  // A webhook starts the trace of a vendor change: its hydration calls, and through the event
  // it publishes (DomainEvent.traceparent), the change's resolution and delivery at the gateway.
  return {
    [`POST ${format.path}`]: (req, res) =>
      traceIncomingRequest(req, res, route, () => receive(req, res)),
  };
}

/** How often the reconcilers poll unless configured (`RECONCILE_INTERVAL_MS`). */
export const DEFAULT_RECONCILE_INTERVAL_MS = 30_000;

/** Starts one poller per source (none when `intervalMs` is 0); resolves with their stop. */
export async function startReconcilers(
  runtime: SubgraphRuntime,
  sources: readonly ReconcileSource[],
  intervalMs: number = DEFAULT_RECONCILE_INTERVAL_MS,
): Promise<() => Promise<void>> {
  if (intervalMs <= 0) return async () => {};
  const loops = await Promise.all(
    sources.map((source) =>
      startReconcileLoop({
        source,
        applier: runtime.applier,
        store: runtime.sync,
        counters: runtime.counters,
        intervalMs,
      }),
    ),
  );
  return async () => {
    await Promise.all(loops.map((loop) => loop.stop()));
  };
}
