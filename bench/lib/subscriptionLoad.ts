import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinToCpus } from './childProcess.ts';
import type { SwarmCommand, SwarmMessage, SwarmSubscribe } from './subscriberSwarm.ts';

/**
 * Subscription fan-out, measured from outside: a crowd of subscribers (subscriberSwarm.ts, a
 * process of its own) on one gateway, and vendor changes made at the emulator's API, each
 * timed from the moment the change is sent to the vendor to its arrival at every client: the
 * whole path (vendor webhook, subgraph, event bus, gateway resolution across subgraphs,
 * fan-out) as a phone would see it.
 *
 * Two phases: `paced` changes at a steady rate, for latency; then a `burst` sent as fast as
 * the vendor takes them, for the events per second the system sustains to every subscriber.
 */
export interface EventSource {
  /** Makes one change at the vendor; resolves with the event key clients will see. */
  publish(): Promise<string>;
}

export interface FanOutOptions {
  /** The gateway's graphql-ws URL. */
  url: string;
  subscribers: number;
  query: string;
  variables: Record<string, unknown>;
  connectionParams: Record<string, unknown>;
  /** Each subscriber its own caller (a token each), as phones are; else all share one. */
  tokenPerClient?: SwarmSubscribe['tokenPerClient'];
  keyFields: string[];
  source: EventSource;
  paced: { events: number; perSecond: number };
  burst: { events: number; concurrency: number };
  /** The gateway process's resident memory now, in bytes. */
  gatewayRss(): number;
  /** CPUs for the subscribers' process (taskset list), or all when undefined. */
  cpus?: string | undefined;
  log(line: string): void;
}

export interface PhaseResult {
  events: number;
  /** The rate changes were made at; null for a burst (as fast as the vendor takes them). */
  offeredPerSecond: number | null;
  /** Arrivals expected (events × connected subscribers) and counted. */
  expected: number;
  delivered: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Events every subscriber received per second: events ÷ (first send to last arrival). */
  eventsPerSecond: number;
  deliveriesPerSecond: number;
}

export interface FanOutResult {
  subscribers: number;
  connected: number;
  failedToConnect: number;
  gatewayRssMb: { before: number; subscribed: number; peakAfterEvents: number };
  /** Gateway memory the subscribers added, per subscriber. */
  kibPerSubscriber: number;
  paced: PhaseResult;
  burst: PhaseResult;
  /** Events that reached clients with errors, or that no change of ours caused. */
  errors: number;
  unexpected: number;
}

const swarmEntry = fileURLToPath(new URL('./subscriberSwarm.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function measureFanOut(options: FanOutOptions): Promise<FanOutResult> {
  const swarm = startSwarm(options.cpus);
  try {
    const subscribe = (count: number): SwarmSubscribe => ({
      type: 'subscribe',
      url: options.url,
      count,
      query: options.query,
      variables: options.variables,
      connectionParams: options.connectionParams,
      tokenPerClient: options.tokenPerClient,
      keyFields: options.keyFields,
    });
    // A few subscribers first, so the memory measured next is the crowd's, not the first
    // subscription's (code loaded, query planned, upstream opened).
    const warm = Math.min(10, options.subscribers);
    const first = await swarm.request(subscribe(warm), 'subscribed', 60_000);
    await sleep(1_000);
    const before = options.gatewayRss();
    const rest = await swarm.request(subscribe(options.subscribers - warm), 'subscribed', 300_000);
    const opened = {
      connected: first.connected + rest.connected,
      failed: first.failed + rest.failed,
    };
    // Let the gateway finish each subscription's start before measuring.
    await sleep(2_000);
    const subscribed = options.gatewayRss();
    options.log(
      `  ${opened.connected} of ${options.subscribers} subscribed (${opened.failed} failed); gateway RSS ${mb(before)} → ${mb(subscribed)} MB`,
    );
    let peak = subscribed;
    const phase = async (
      name: string,
      offeredPerSecond: number | null,
      send: (published: Record<string, number>) => Promise<void>,
    ) => {
      const published: Record<string, number> = {};
      await send(published);
      const events = Object.keys(published).length;
      const expected = events * opened.connected;
      // Wait for every arrival, or until arrivals stop coming for a while.
      let last = -1;
      let still = 0;
      for (;;) {
        peak = Math.max(peak, options.gatewayRss());
        const { arrivals } = await swarm.request({ type: 'count' }, 'count', 10_000);
        if (arrivals >= expected) break;
        still = arrivals === last ? still + 1 : 0;
        if (still >= 50) break;
        last = arrivals;
        await sleep(100);
      }
      const report = await swarm.request(
        { type: 'report', publishedAt: published },
        'report',
        60_000,
      );
      const seconds = report.spanMs / 1000;
      const result: PhaseResult = {
        events,
        offeredPerSecond,
        expected,
        delivered: report.delivered,
        latencyMs: report.latencyMs,
        eventsPerSecond: seconds > 0 ? (events * report.delivered) / expected / seconds : 0,
        deliveriesPerSecond: seconds > 0 ? report.delivered / seconds : 0,
      };
      options.log(
        `  ${name}: ${events} events, ${result.delivered}/${expected} delivered, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ${result.eventsPerSecond.toFixed(1)} events/s to all (${Math.round(result.deliveriesPerSecond)} deliveries/s)`,
      );
      return { result, errors: report.errors, unexpected: report.unexpected };
    };
    const paced = await phase('paced', options.paced.perSecond, async (published) => {
      const gapMs = 1000 / options.paced.perSecond;
      const sends: Promise<void>[] = [];
      const start = now();
      for (let i = 0; i < options.paced.events; i++) {
        const due = start + i * gapMs;
        if (due > now()) await sleep(due - now());
        const at = now();
        sends.push(
          options.source.publish().then((key) => {
            published[key] = at;
          }),
        );
      }
      await Promise.all(sends);
    });
    const burst = await phase('burst', null, async (published) => {
      let next = 0;
      const worker = async () => {
        while (next < options.burst.events) {
          next += 1;
          const at = now();
          published[await options.source.publish()] = at;
        }
      };
      await Promise.all(Array.from({ length: options.burst.concurrency }, worker));
    });
    return {
      subscribers: options.subscribers,
      connected: opened.connected,
      failedToConnect: opened.failed,
      gatewayRssMb: { before: mb(before), subscribed: mb(subscribed), peakAfterEvents: mb(peak) },
      kibPerSubscriber:
        rest.connected > 0
          ? Math.round(((subscribed - before) / 1024 / rest.connected) * 10) / 10
          : 0,
      paced: paced.result,
      burst: burst.result,
      errors: burst.errors,
      unexpected: paced.unexpected + burst.unexpected,
    };
  } finally {
    await swarm.close();
  }
}

interface Swarm {
  request<T extends SwarmMessage['type']>(
    command: SwarmCommand,
    reply: T,
    timeoutMs: number,
  ): Promise<Extract<SwarmMessage, { type: T }>>;
  close(): Promise<void>;
}

function startSwarm(cpus: string | undefined): Swarm {
  const child: ChildProcess = fork(swarmEntry, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (cpus !== undefined && child.pid !== undefined) pinToCpus(child.pid, cpus);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request: Swarm['request'] = (command, reply, timeoutMs) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`subscriber swarm: no ${reply} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: SwarmMessage) => {
        if (message.type !== reply) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message as Extract<SwarmMessage, { type: typeof reply }>);
      };
      child.on('message', onMessage);
      child.send(command);
    });
  return {
    request,
    async close() {
      if (child.connected)
        await request({ type: 'close' }, 'closed', 60_000).catch(() => undefined);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
