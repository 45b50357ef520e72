import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSpanContextValid, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { closeServer } from '../../platform/httpServer.ts';
import { installTracing, installTracingFromEnv, type Tracing } from '../../platform/tracing.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { openOrdersNewestFirst } from '../expected.ts';
import { postGraphQL } from '../graphqlClient.ts';
import { connect, subscribe, untilSubscribed } from '../subscriptionClient.ts';
import { startTestSystem } from '../system.ts';

const world = createWorld({ seed: 17, now: new Date('2026-11-26T12:00:00Z') });
const locationId = (index: number) => world.locations[index]?.id ?? '';

const vendors = (system: LocalSystem) => ({
  pos: system.emulators.pos,
  inventory: system.emulators.inventory,
  scheduling: system.emulators.scheduling,
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tracing off (no OTLP endpoint set)', () => {
  let system: LocalSystem;
  beforeAll(async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
    expect(installTracingFromEnv('restaurant-gateway')).toBeUndefined();
    system = await startTestSystem({ world });
  });
  afterAll(async () => {
    await system?.close();
  });

  it('registers no tracer provider: a span started anywhere records nothing', () => {
    const span = trace.getTracer('anyone').startSpan('anything');
    expect(span.isRecording()).toBe(false);
    expect(isSpanContextValid(span.spanContext())).toBe(false);
  });

  it('sends no traceparent to any vendor', async () => {
    const { status } = await postGraphQL(system.gateway.url, locationOverviewQuery, {
      locationId: locationId(0),
    });
    expect(status).toBe(200);
    const traceparents = Object.values(vendors(system)).flatMap((vendor) =>
      vendor.calls.traceparents(),
    );
    expect(traceparents.length).toBeGreaterThan(0);
    expect(traceparents).toEqual(traceparents.map(() => undefined));
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let system: LocalSystem;
  beforeAll(async () => {
    tracing = installTracing({
      serviceName: 'restaurant-graph',
      processor: new SimpleSpanProcessor({ exporter }),
    });
    system = await startTestSystem({ world });
  });
  afterAll(async () => {
    await system?.close();
    await tracing?.close();
  });

  /** The spans of one request, once the gateway's server span (the last to end) is in. */
  const requestSpans = () =>
    vi.waitFor(() => {
      const spans = exporter.getFinishedSpans();
      const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
      const fetches = spans.filter((span) => span.name === 'gateway.fetch');
      expect(servers.filter((span) => !span.parentSpanContext)).toHaveLength(1);
      expect(servers).toHaveLength(fetches.length + 1);
      return spans;
    });

  const runQuery = async (location: string) => {
    exporter.reset();
    for (const vendor of Object.values(vendors(system))) vendor.calls.reset();
    const response = await postGraphQL(system.gateway.url, locationOverviewQuery, {
      locationId: location,
    });
    return { response, spans: await requestSpans() };
  };

  it('one query is one trace: the gateway, each subgraph call, and each vendor call', async () => {
    const { response, spans } = await runQuery(locationId(0));
    expect(response.status).toBe(200);
    const { parentOf, childrenOf, ancestry } = spanTree(spans);

    const [root] = spans.filter((span) => !span.parentSpanContext);
    if (!root) throw new Error('no root span');
    const traceId = root.spanContext().traceId;
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));

    // The gateway's server span, then Apollo's.
    expect(root).toMatchObject({
      name: 'POST /graphql',
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/graphql', 'http.response.status_code': 200 },
    });
    expect(childrenOf(root).map((span) => span.name)).toEqual(['gateway.request']);
    const [request] = childrenOf(root);
    expect(request?.attributes['graphql.operation.name']).toBe('LocationOverview');
    expect(
      childrenOf(request)
        .map((span) => span.name)
        .sort(),
    ).toEqual(['gateway.execute', 'gateway.plan', 'gateway.validate']);

    // Each subgraph call: the fetch span, and under it the subgraph's own server span.
    const fetches = spans.filter((span) => span.name === 'gateway.fetch');
    for (const fetch of fetches) {
      expect(
        childrenOf(fetch).map((span) => [span.name, span.attributes['subgraph.name']]),
      ).toEqual([['POST /graphql', fetch.attributes.service]]);
    }
    const subgraphSpans = spans.filter((span) => span.attributes['subgraph.name'] !== undefined);
    expect(new Set(subgraphSpans.map((span) => span.attributes['subgraph.name']))).toEqual(
      new Set(['pos', 'inventory', 'scheduling']),
    );
    for (const span of subgraphSpans) {
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(ancestry(span)).toEqual([
        'gateway.fetch',
        'gateway.execute',
        'gateway.request',
        'POST /graphql',
      ]);
    }

    // Each vendor call: one client span per request the vendor logged, under the server span
    // of the subgraph that made it, and its context is what the vendor received.
    for (const [name, vendor] of Object.entries(vendors(system))) {
      const calls = spans.filter(
        (span) => span.kind === SpanKind.CLIENT && span.attributes['peer.service'] === name,
      );
      expect(vendor.calls.count()).toBeGreaterThan(0);
      expect(countByName(calls)).toEqual(vendor.calls.byEndpoint());
      for (const call of calls) {
        expect(parentOf(call)?.attributes['subgraph.name']).toBe(name);
        expect(call.attributes).toMatchObject({
          'http.request.method': call.name.split(' ')[0],
          'url.template': call.name.split(' ')[1],
          'http.response.status_code': 200,
        });
      }
      expect(vendor.calls.traceparents().sort()).toEqual(
        calls.map((call) => `00-${traceId}-${call.spanContext().spanId}-01`).sort(),
      );
    }
  });

  it('a retried vendor call is one span per try, each with its status and the tries before it', async () => {
    const endpoint = 'POST /v2/labor/timecards/search';
    system.emulators.scheduling.faults.set([{ kind: 'error', status: 503, endpoint }]);
    try {
      // Another location, so no cache answers in place of the vendor.
      const { spans } = await runQuery(locationId(1));
      const tries = spans
        .filter((span) => span.kind === SpanKind.CLIENT && span.name === endpoint)
        .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
      // The first try and the 5 retries of the default policy.
      expect(system.emulators.scheduling.calls.count(endpoint)).toBe(6);
      expect(tries.map((span) => span.attributes['http.request.resend_count'])).toEqual([
        undefined,
        1,
        2,
        3,
        4,
        5,
      ]);
      for (const span of tries) {
        expect(span.attributes).toMatchObject({
          'http.response.status_code': 503,
          'error.type': 'UPSTREAM_UNAVAILABLE',
        });
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
      }
    } finally {
      system.emulators.scheduling.faults.clear();
    }
  });
  it('a vendor change is one trace: its webhook, the hydration call, and its resolution at the gateway', async () => {
    const location = locationId(2);
    const client = connect(system.gateway.url);
    const subscription = subscribe(
      client,
      /* GraphQL */ `
        subscription ($l: ID!) {
          orderChanged(locationId: $l) {
            id
            version
            lineItems { menuItem { stock(locationId: $l) { quantity } } }
            location { onShiftNow { displayName } }
          }
        }
      `,
      { l: location },
    );
    await untilSubscribed(system.gateway, 1);
    exporter.reset();

    // The change at the vendor's API; the emulator sends its webhook as Square would.
    const order = openOrdersNewestFirst(world, location)[0];
    const response = await fetch(`${system.emulators.pos.url}/v2/orders/${order?.id}`, {
      method: 'PUT',
      headers: { authorization: 'Bearer dev-square-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotency_key: crypto.randomUUID(),
        order: { version: order?.version, ticket_name: 'traced' },
      }),
    });
    expect(response.status).toBe(200);
    const [event] = await subscription.waitFor(1);
    expect(event?.errors).toBeUndefined();

    const spans = await vi.waitFor(() => {
      const finished = exporter.getFinishedSpans();
      expect(finished.some((span) => span.name === 'subscription event orderChanged')).toBe(true);
      return finished;
    });
    const { parentOf, ancestry } = spanTree(spans);
    const handling = spans.find((span) => span.name === 'subscription event orderChanged');
    const traceId = handling?.spanContext().traceId;
    const trace = spans.filter((span) => span.spanContext().traceId === traceId);

    // The root: POS's webhook receiver, and under it the call that hydrated the thin event.
    const webhook = parentOf(handling as ReadableSpan);
    expect(webhook).toMatchObject({
      name: 'POST /webhooks/square',
      kind: SpanKind.SERVER,
      attributes: { 'subgraph.name': 'pos', 'http.response.status_code': 200 },
    });
    expect(webhook?.parentSpanContext).toBeUndefined();
    const hydration = trace.filter(
      (span) => span.kind === SpanKind.CLIENT && span.attributes['peer.service'] === 'pos',
    );
    expect(hydration.length).toBeGreaterThan(0);
    for (const call of hydration) expect(parentOf(call)).toBe(webhook);

    // The gateway's resolution of the event continues it: a fetch to each other subgraph.
    expect(handling).toMatchObject({
      kind: SpanKind.CONSUMER,
      attributes: { 'graphql.subscription.field': 'orderChanged', 'subgraph.name': 'pos' },
    });
    const resolvedBy = trace
      .filter(
        (span) =>
          span.kind === SpanKind.SERVER &&
          ancestry(span).includes('subscription event orderChanged'),
      )
      .map((span) => span.attributes['subgraph.name']);
    expect(new Set(resolvedBy)).toEqual(new Set(['inventory', 'scheduling']));
    subscription.dispose();
    await client.dispose();
  });
  it('a reconciliation poll is a trace of its own, with its vendor calls beneath it', async () => {
    exporter.reset();
    const polling = await startTestSystem({
      world: createWorld({ seed: 23, now: new Date('2026-11-26T12:00:00Z') }),
      subgraphs: { reconcileIntervalMs: 100 },
    });
    try {
      const spans = await vi.waitFor(() => {
        const finished = exporter.getFinishedSpans();
        const polled = new Set(
          finished.filter((span) => span.name.startsWith('reconcile ')).map((span) => span.name),
        );
        // Every subgraph's sources have polled at least once.
        expect(polled.size).toBeGreaterThanOrEqual(3);
        return finished;
      });
      const { parentOf } = spanTree(spans);
      const polls = spans.filter((span) => span.name.startsWith('reconcile '));
      for (const poll of polls) {
        expect(poll.parentSpanContext).toBeUndefined();
        expect(poll.attributes['reconcile.source']).toBe(poll.name.slice('reconcile '.length));
      }
      const pollCalls = spans.filter(
        (span) => span.kind === SpanKind.CLIENT && parentOf(span)?.name.startsWith('reconcile '),
      );
      expect(new Set(pollCalls.map((span) => span.attributes['peer.service']))).toEqual(
        new Set(['pos', 'inventory', 'scheduling']),
      );
    } finally {
      await polling.close();
    }
  });
});

describe('tracing from the environment', () => {
  it('exports over OTLP (HTTP/protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT, as the default service', async () => {
    const received: { url: string | undefined; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${port}`);
      vi.stubEnv('OTEL_SERVICE_NAME', '');
      const tracing = installTracingFromEnv('restaurant-gateway');
      expect(tracing).toBeDefined();
      trace.getTracer('test').startSpan('probe-span').end();
      // Closing exports what the batch still holds.
      await tracing?.close();
      expect(received).toHaveLength(1);
      const [request] = received;
      expect(request?.url).toBe('/v1/traces');
      expect(request?.headers['content-type']).toBe('application/x-protobuf');
      expect(request?.body.includes('restaurant-gateway')).toBe(true);
      expect(request?.body.includes('probe-span')).toBe(true);
    } finally {
      await closeServer(collector);
    }
  });
});

/** Parent and child lookups over one request's spans. */
function spanTree(spans: ReadableSpan[]) {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const parentOf = (span: ReadableSpan) =>
    span.parentSpanContext ? byId.get(span.parentSpanContext.spanId) : undefined;
  const childrenOf = (parent: ReadableSpan | undefined) =>
    spans.filter((span) => parent && parentOf(span) === parent);
  /** The names of a span's ancestors, nearest first. */
  const ancestry = (span: ReadableSpan): string[] => {
    const parent = parentOf(span);
    return parent ? [parent.name, ...ancestry(parent)] : [];
  };
  return { parentOf, childrenOf, ancestry };
}

function countByName(spans: ReadableSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) counts[span.name] = (counts[span.name] ?? 0) + 1;
  return counts;
}
