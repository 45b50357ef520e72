import type { Counters } from '../../platform/counters.ts';
import { currentTraceparent } from '../../platform/spans.ts';
import type { DomainEvent, EventBus, EventTopic } from './eventBus.ts';
import type { SyncStore } from './syncStore.ts';

/**
 * The one path a vendor change takes, whether a webhook brought it or the reconciler found it:
 * check the entity's version against the last one applied (a change at or below it is ignored,
 * so a late or repeated notice never rolls an entity back), let the change invalidate what it
 * touches and produce the entity as it now is, publish it, remember its version. Changes to
 * one entity are applied one at a time in this process, and one state is published by one
 * instance of those sharing the store (a lease on its event id), however many saw it.
 *
 * The event id is the entity and the published version (`order:<id>:<version>`), so one state
 * of an entity has one id however many notices announced it.
 *
 * A version that does not order every change (a stock count's time, to the millisecond) comes
 * with the state's `content`: a notice at the applied version but with other content is not
 * stale; the vendor's current state (`current()`) decides, and is published when it differs
 * from what was applied. Its event id then carries the content too.
 */
export interface EntityChange<P = unknown> {
  /** The entity, e.g. `order:<id>`. */
  entity: string;
  /** The version the notice announces (an order's `version`, a count's time in ms). */
  version: number;
  topic: EventTopic;
  /**
   * Invalidates the cache entries the change touches and returns the entity's state, fetched
   * from the vendor when the notice is thin. Throws when it cannot (the change is not applied).
   */
  resolve(): Promise<EntityState<P>>;
  /** What the state says, when its version alone may be shared by different states. */
  content?: string | undefined;
  /** The vendor's state now, fetched afresh: asked when two states share a version. */
  current?(): Promise<EntityState<P>>;
}

export interface EntityState<P> {
  version: number;
  /** As `EntityChange.content`, for the state resolved. */
  content?: string | undefined;
  /** When the vendor says the change happened (RFC 3339). */
  occurredAt: string;
  /** The graph-shaped entity, from the vendor client's mapper. */
  payload: P;
}

export type ChangeSource = 'webhook' | 'reconcile';
export type ApplyResult = 'published' | 'stale';

export interface ChangeApplier {
  apply(change: EntityChange, source: ChangeSource): Promise<ApplyResult>;
}

export interface ChangeApplierOptions {
  store: SyncStore;
  bus: EventBus;
  counters: Counters;
  /** How long a version is remembered: longer than the vendor keeps redelivering (72 h). */
  rememberMs?: number;
  /** How long a publishing instance holds a state if it dies before recording its version. */
  publishLeaseMs?: number;
  /** Told of every event this instance published (stale changes are not), e.g. for its lag. */
  onPublished?(event: DomainEvent, source: ChangeSource): void;
}

export function createChangeApplier(options: ChangeApplierOptions): ChangeApplier {
  const { store, bus, counters } = options;
  const rememberMs = options.rememberMs ?? 73 * 60 * 60_000;
  const publishLeaseMs = options.publishLeaseMs ?? 30_000;
  const versionKey = (entity: string) => `version:${entity}`;
  const publishKey = (id: string) => `publishing:${id}`;
  /** The last queued application per entity: the next one waits for it. */
  const queues = new Map<string, Promise<unknown>>();

  function oneAtATime<T>(entity: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(entity) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.catch(() => undefined);
    queues.set(entity, settled);
    settled.then(() => {
      if (queues.get(entity) === settled) queues.delete(entity);
    });
    return run;
  }

  /** The applied version and content; versions recorded as bare numbers have no content. */
  const appliedState = async (entity: string): Promise<Applied | undefined> => {
    const stored = await store.get<number | Applied>(versionKey(entity));
    return typeof stored === 'number' ? { version: stored } : stored;
  };

  return {
    apply(change, source) {
      return oneAtATime(change.entity, async () => {
        const labels = { topic: change.topic, source };
        const stale = () => {
          counters.increment('vendor_changes_ignored', labels);
          return 'stale' as const;
        };
        const applied = await appliedState(change.entity);
        if (applied && isStale(change, applied)) return stale();
        // Same version, other content: only the vendor knows which of the two is current.
        const tie = applied !== undefined && change.version === applied.version;
        const state = tie && change.current ? await change.current() : await change.resolve();
        if (applied && isStale(state, applied)) return stale();
        const id = `${change.entity}:${state.version}${state.content === undefined ? '' : `:${state.content}`}`;
        const traceparent = currentTraceparent();
        const event: DomainEvent = {
          id,
          topic: change.topic,
          occurredAt: state.occurredAt,
          payload: state.payload,
          ...(traceparent ? { traceparent } : {}),
        };
        // Instances sharing the store race for each state: the one holding the lease publishes
        // it, and the version it records (before letting go) makes every later one stale.
        if (!(await store.lease(publishKey(id), publishLeaseMs))) return stale();
        try {
          const recorded = await appliedState(change.entity);
          if (recorded && isStale(state, recorded)) return stale();
          await bus.publish(event);
          const record: Applied = { version: state.version, content: state.content };
          await store.set(versionKey(change.entity), record, rememberMs);
        } finally {
          await store.releaseLease(publishKey(id));
        }
        counters.increment('domain_events_published', labels);
        options.onPublished?.(event, source);
        return 'published';
      });
    },
  };
}

interface Applied {
  version: number;
  content?: string | undefined;
}

/**
 * Older than what was applied, or the same version saying the same (or not saying what it
 * says: a versioned entity's version orders every change).
 */
function isStale(
  state: { version: number; content?: string | undefined },
  applied: Applied,
): boolean {
  if (state.version !== applied.version) return state.version < applied.version;
  return state.content === undefined || state.content === applied.content;
}
