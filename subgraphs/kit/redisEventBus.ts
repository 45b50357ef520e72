import { createClient } from '@keyv/redis';
import {
  comparePositions,
  createTopicHandlers,
  type DomainEvent,
  defaultHistoryLength,
  type EventBus,
  type EventTopic,
  parsePosition,
} from './eventBus.ts';
import { redisClientOptions, withTimeout } from './redisClients.ts';

/**
 * The event bus on Redis Streams, for several instances of a subgraph: one stream per topic
 * (`<prefix>:<namespace>:events:<topic>`), trimmed to about `historyLength` entries
 * (`MAXLEN ~`, so Redis trims whole nodes cheaply: at least that many are kept). Publishing is
 * an XADD; every instance reads every stream from where it last read (XREAD BLOCK on its own
 * connection), so each event reaches the subscribers of every instance exactly once, whichever
 * instance published it. The stream id is the event's position.
 *
 * A position is expired when it is older than the first kept entry and entries were trimmed,
 * or newer than any id the stream gave out (a Redis that was emptied).
 */
export interface RedisEventBusOptions {
  url: string;
  /** Separates subgraphs sharing one Redis, e.g. `pos`. */
  namespace: string;
  /** The topics this bus carries: one stream each, all read by every instance. */
  topics: readonly EventTopic[];
  /** Separates deployments (or test runs) sharing one Redis; default `restaurant-graph`. */
  prefix?: string | undefined;
  historyLength?: number | undefined;
  /** How long one XREAD waits for new entries before it is issued again. */
  blockMs?: number;
}

type Client = ReturnType<typeof createClient>;
type StreamEntry = { id: string; message: Record<string, string> };

export function createRedisEventBus(options: RedisEventBusOptions): EventBus {
  const { topics } = options;
  const historyLength = options.historyLength ?? defaultHistoryLength;
  const keyPrefix = `${options.prefix ?? 'restaurant-graph'}:${options.namespace}:events:`;
  const streamKey = (topic: string) => `${keyPrefix}${topic}`;
  const handlers = createTopicHandlers();
  let closed = false;

  const commands: Client = createClient(redisClientOptions(options.url));
  // XREAD BLOCK holds its connection: reading gets one of its own.
  const reader: Client = commands.duplicate();
  commands.on('error', () => undefined);
  reader.on('error', () => undefined);
  const connected = Promise.all([commands.connect(), reader.connect()]);
  // Read from the streams' ends as they were when the bus started: earlier events are history.
  const readFrom = new Map<string, string>();
  const started = connected.then(async () => {
    for (const topic of topics) {
      const [latest] = await commands.xRevRange(streamKey(topic), '+', '-', { COUNT: 1 });
      readFrom.set(streamKey(topic), latest?.id ?? '0-0');
    }
  });
  const readLoop = started.then(async () => {
    while (!closed) {
      let replies: unknown;
      try {
        replies = await reader.xRead(
          topics.map((topic) => ({
            key: streamKey(topic),
            id: readFrom.get(streamKey(topic)) ?? '0-0',
          })),
          { BLOCK: options.blockMs ?? 1_000, COUNT: 500 },
        );
      } catch {
        if (closed) return;
        // Redis went away: wait, then read on from the same ids (nothing is lost while kept).
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const reply of (replies ?? []) as { name: string; messages: StreamEntry[] }[]) {
        for (const entry of reply.messages) {
          readFrom.set(reply.name, entry.id);
          deliver(entry);
        }
      }
    }
  });

  // A Redis that never answered fails publish and history calls; the reader just stops.
  readLoop.catch(() => undefined);

  /** What XINFO STREAM says of a stream's ends and trimming; undefined: no such stream. */
  async function streamInfo(
    key: string,
  ): Promise<{ lastId: string; firstId: string | undefined; trimmed: boolean } | undefined> {
    const info = await commands
      .sendCommand(['XINFO', 'STREAM', key])
      .catch(() => undefined as unknown);
    if (!Array.isArray(info)) return undefined;
    const field = (name: string) => {
      const index = info.indexOf(name);
      return index >= 0 ? info[index + 1] : undefined;
    };
    return {
      lastId: String(field('last-generated-id') ?? '0-0'),
      firstId: (field('first-entry') as [string, unknown] | null | undefined)?.[0],
      trimmed: Number(field('entries-added') ?? 0) > Number(field('length') ?? 0),
    };
  }

  function decode(entry: StreamEntry): DomainEvent | undefined {
    try {
      return { ...(JSON.parse(entry.message.event ?? '') as DomainEvent), position: entry.id };
    } catch {
      return undefined;
    }
  }

  function deliver(entry: StreamEntry) {
    const event = decode(entry);
    if (!event) return;
    handlers.deliver(event);
  }

  return {
    async publish(event) {
      await started;
      // A publish that cannot reach Redis fails: the change is not applied, and its webhook
      // is refused for the vendor to retry.
      await withTimeout(
        commands.xAdd(
          streamKey(event.topic),
          '*',
          { event: JSON.stringify({ ...event, position: undefined }) },
          { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: historyLength } },
        ),
        1_000,
        'event bus publish',
      );
    },
    subscribe: handlers.subscribe,
    ready: () => started,
    async history(topic, after) {
      if (!parsePosition(after)) return 'expired';
      await started;
      const key = streamKey(topic);
      const info = await streamInfo(key);
      // No stream yet: nothing was ever published, so nothing after the very start is missed.
      if (!info) return after === '0-0' ? [] : 'expired';
      const { lastId, firstId, trimmed } = info;
      if (comparePositions(after, lastId) > 0) return 'expired';
      if (trimmed && (!firstId || comparePositions(after, firstId) < 0)) return 'expired';
      const entries = await commands.xRange(key, `(${after}`, '+');
      return entries.flatMap((entry) => decode(entry as StreamEntry) ?? []);
    },
    async head(topic) {
      await started;
      const [latest] = await withTimeout(
        commands.xRevRange(streamKey(topic), '+', '-', { COUNT: 1 }),
      );
      return latest?.id ?? '0-0';
    },
    async positionAt(topic, time) {
      await started;
      const key = streamKey(topic);
      // Stream ids are `<ms>-<seq>` of Redis's clock: the last entry before `time`.
      const [before] = await commands.xRevRange(key, `${Math.max(0, time - 1)}`, '-', { COUNT: 1 });
      // Trimming drops the oldest entries: all after a kept one are kept.
      if (before) return before.id;
      const trimmed = (await streamInfo(key))?.trimmed ?? false;
      return trimmed ? 'expired' : '0-0';
    },
    async close() {
      closed = true;
      handlers.clear();
      await connected.catch(() => undefined);
      // Disconnecting ends the blocked XREAD at once.
      await Promise.allSettled([reader.destroy(), commands.close()]);
      await readLoop.catch(() => undefined);
    },
  };
}
