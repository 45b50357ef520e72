import type { DocumentNode, ExecutionResult } from 'graphql';
import { printed } from './eventResolution.ts';

/**
 * Who shares which upstream subscription. Identical subscriptions (operation, variables, the
 * callers' roles and locations) share one entry: one upstream subscription and one resolution
 * per event, fanned out to every listener in event order. A resuming client is at its own
 * position in the stream, so it shares with no one. The entry's upstream stops when its last
 * listener leaves.
 */
export interface Listener {
  push(result: ExecutionResult): void;
  end(): void;
}

export interface SharedSubscription {
  listeners: Set<Listener>;
  document: DocumentNode;
  /** The subscription's root field, for metrics. */
  field: string;
  /** Resolves once its subgraph says the upstream subscription is live. */
  live: Promise<void>;
  isLive(): boolean;
  stop(): void;
}

export interface SharingKeyParts {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  scope: string;
  lastEventId?: string | undefined;
  since?: number | undefined;
}

export interface SharingRegistry {
  /** The entry for `parts`, opened with `open` when none runs; `listener` joins it. */
  join(
    parts: SharingKeyParts,
    open: (end: () => void) => SharedSubscription,
    listener: Listener,
  ): { entry: SharedSubscription; leave(): void };
  /** Listeners over every entry. */
  subscribers(): number;
  /** Entries (upstream subscriptions) that `matches`. */
  count(matches: (entry: SharedSubscription) => boolean): number;
  /** Ends every entry `isValid` refuses, after pushing `last` to its listeners. */
  revalidate(isValid: (document: DocumentNode) => boolean, last: () => ExecutionResult): void;
  close(): void;
}

export function createSharingRegistry(): SharingRegistry {
  const entries = new Map<string, SharedSubscription>();
  let resumed = 0;
  const endEntry = (key: string, entry: SharedSubscription) => {
    for (const listener of entry.listeners) listener.end();
    if (entries.get(key) === entry) entries.delete(key);
  };
  return {
    join(parts, open, listener) {
      const key = JSON.stringify([
        printed(parts.document),
        parts.operationName ?? null,
        parts.variables,
        parts.scope,
        parts.lastEventId || parts.since !== undefined
          ? `resume:${parts.lastEventId ?? parts.since}:${++resumed}`
          : null,
      ]);
      let entry = entries.get(key);
      if (!entry) {
        let opened: SharedSubscription | undefined;
        entry = open(() => {
          if (opened) endEntry(key, opened);
        });
        opened = entry;
        entries.set(key, entry);
      }
      const joined = entry;
      joined.listeners.add(listener);
      return {
        entry: joined,
        leave() {
          joined.listeners.delete(listener);
          if (joined.listeners.size === 0) {
            joined.stop();
            if (entries.get(key) === joined) entries.delete(key);
          }
        },
      };
    },
    subscribers() {
      let count = 0;
      for (const entry of entries.values()) count += entry.listeners.size;
      return count;
    },
    count(matches) {
      let count = 0;
      for (const entry of entries.values()) if (matches(entry)) count += 1;
      return count;
    },
    revalidate(isValid, last) {
      for (const [key, entry] of entries) {
        if (isValid(entry.document)) continue;
        const result = last();
        for (const listener of entry.listeners) {
          listener.push(result);
          listener.end();
        }
        entry.stop();
        entries.delete(key);
      }
    },
    close() {
      for (const entry of entries.values()) {
        entry.stop();
        for (const listener of entry.listeners) listener.end();
      }
      entries.clear();
    },
  };
}
