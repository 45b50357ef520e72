import type { SyncStore } from './syncStore.ts';

/**
 * Vendor event ids already handled, so a redelivered webhook is answered without being
 * applied again. Claim, then complete: an event is marked seen only once it was applied, so
 * one that failed (and was answered 5xx) is applied when the vendor retries it. While one
 * delivery holds the claim, another delivery of the same event is told to come back later:
 * answering it 2xx would end the vendor's retries even if the first then failed.
 */
export type Claim = 'claimed' | 'duplicate' | 'busy';

export interface EventLedger {
  claim(eventId: string): Promise<Claim>;
  /** The event was applied: later deliveries are duplicates. */
  complete(eventId: string): Promise<void>;
  /** The event could not be applied: a later delivery may claim it. */
  release(eventId: string): Promise<void>;
}

export interface EventLedgerOptions {
  /** How long a seen id is kept: Square retries for 72 hours, so a little longer. */
  rememberMs?: number;
  /** How long a claim holds if its holder dies without releasing it. */
  claimMs?: number;
}

const HOUR = 60 * 60_000;

export function createEventLedger(store: SyncStore, options: EventLedgerOptions = {}): EventLedger {
  const rememberMs = options.rememberMs ?? 73 * HOUR;
  const claimMs = options.claimMs ?? 60_000;
  const seenKey = (eventId: string) => `event:${eventId}`;
  return {
    async claim(eventId) {
      if (await store.get<true>(seenKey(eventId))) return 'duplicate';
      if (!(await store.lease(seenKey(eventId), claimMs))) return 'busy';
      // Completed between the look and the lease: the lease came free because it was done.
      if (await store.get<true>(seenKey(eventId))) {
        await store.releaseLease(seenKey(eventId));
        return 'duplicate';
      }
      return 'claimed';
    },
    async complete(eventId) {
      await store.set(seenKey(eventId), true, rememberMs);
      await store.releaseLease(seenKey(eventId));
    },
    async release(eventId) {
      await store.releaseLease(seenKey(eventId));
    },
  };
}
