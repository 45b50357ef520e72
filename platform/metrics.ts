import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Counters } from './counters.ts';
import type { Route } from './httpServer.ts';

/**
 * Prometheus metrics of one process (prom-client): the process's default metrics, its
 * `Counters` (exported as `<name>_total`, read at scrape time so tests and metrics agree),
 * latency and lag histograms, and gauges read on scrape.
 */
export interface Metrics {
  readonly registry: Registry;
  observe(name: HistogramName, labels: Record<string, string | number>, seconds: number): void;
  /** A gauge whose value is read at scrape time. */
  gauge(name: string, help: string, read: () => number): void;
  route(): Route;
}

/** Help text of every counter the system keeps. */
const counterHelp: Record<string, string> = {
  upstream_calls: 'Vendor API calls by upstream, endpoint and HTTP status (0: no response).',
  cache_lookups: 'Entity cache lookups by tier (l1, l2), entity kind and result (hit, miss).',
  upstream_subscriptions_opened: 'Subscriptions the gateway opened to a subgraph.',
  upstream_subscriptions_closed: 'Subscriptions the gateway closed at a subgraph.',
  subscription_event_resolutions:
    'Subscription events resolved through the query plan (once per shared event).',
  dead_sockets_terminated:
    'graphql-ws sockets ended because they did not answer a ping (a client gone without closing).',
  slow_subscribers_dropped:
    'Subscribers ended with SLOW_SUBSCRIBER: more events waiting for them than the backlog allows.',
  graphql_requests: 'GraphQL requests over HTTP by operation name and HTTP status.',
};

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Lags reach further: a reconciled change waits for the next poll (30 s by default). */
const lagBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const histograms = {
  graphql_request_duration_seconds: {
    help: 'GraphQL request latency over HTTP by operation name.',
    buckets: latencyBuckets,
  },
  upstream_call_duration_seconds: {
    help: 'Vendor API call latency by upstream and endpoint.',
    buckets: latencyBuckets,
  },
  vendor_change_lag_seconds: {
    help: 'Time from the vendor change to its event on the bus, by source (webhook, reconcile) and topic.',
    buckets: lagBuckets,
  },
  event_delivery_lag_seconds: {
    help: 'Time from the vendor change to the event reaching subscribers, by subscription field (once per event).',
    buckets: lagBuckets,
  },
} as const;
export type HistogramName = keyof typeof histograms;

/**
 * Seconds from `time` (RFC 3339, e.g. a vendor's change time) to `now`; undefined when `time`
 * is not a time. The vendor's clock is not ours: one running ahead would make a lag negative,
 * which is counted as 0 rather than let it pull the histogram's sum below the truth.
 */
export function secondsSince(time: string, now: number = Date.now()): number | undefined {
  const at = Date.parse(time);
  return Number.isNaN(at) ? undefined : Math.max(0, (now - at) / 1000);
}

export function createMetrics(options: { service: string; counters: Counters }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });

  const exported = new Map<string, Counter<string>>();
  const exportCounters = () => {
    for (const { name, labels, value } of options.counters.series()) {
      let counter = exported.get(name);
      if (!counter) {
        counter = new Counter({
          name: `${name}_total`,
          help: counterHelp[name] ?? name.replaceAll('_', ' '),
          labelNames: Object.keys(labels),
          registers: [registry],
        });
        exported.set(name, counter);
      }
      counter.remove(labels);
      counter.inc(labels, value);
    }
  };

  const observed = new Map<HistogramName, Histogram<string>>();
  return {
    registry,
    observe(name, labels, seconds) {
      let histogram = observed.get(name);
      if (!histogram) {
        histogram = new Histogram({
          name,
          help: histograms[name].help,
          labelNames: Object.keys(labels),
          buckets: [...histograms[name].buckets],
          registers: [registry],
        });
        observed.set(name, histogram);
      }
      histogram.observe(labels, seconds);
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    route() {
      return async (_req, res) => {
        exportCounters();
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      };
    },
  };
}
