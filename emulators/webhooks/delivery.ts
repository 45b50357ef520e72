/**
 * Delivering webhook events as Square does: one POST per event and subscription, signed with
 * the subscription's key over its URL and the body; a non-2xx answer (3xx included) or no
 * answer within 10 s is retried after 1, 2, 4, 8, 16 and 32 minutes, then hourly until 72
 * hours after the event, then discarded. Delivery is at least once and in no promised order.
 * Every delay is divided by `timeScale`, so a test sees the whole schedule in seconds.
 *
 * Each delivery and its attempts are logged for tests. The fault switches (faults.ts) add
 * copies, reverse the order of consecutive events, or drop events.
 */
import type { Random } from '../random.ts';
import type { WebhookEvent } from './events.ts';
import { type FaultDecisions, faultDecisions, type WebhookFaults } from './faults.ts';
import { signWebhook } from './signature.ts';
import type { SubscriptionStore } from './subscriptions.ts';

const MINUTE = 60_000;
/** Square's waits before retries 1-6; every later retry waits an hour. */
const RETRY_DELAYS = [1, 2, 4, 8, 16, 32].map((minutes) => minutes * MINUTE);
const HOURLY = 60 * MINUTE;
const GIVE_UP_AFTER = 72 * HOURLY;
const ANSWER_DEADLINE = 10_000;
/** How long the reorder fault holds a lone event before it delivers it anyway. */
const REORDER_HOLD = MINUTE;

export type RetryReason = 'http_timeout' | 'http_error' | 'other_error';

export interface DeliveryAttempt {
  /** 0 for the first try, then Square's `square-retry-number`. */
  retryNumber: number;
  /** The receiver's HTTP status; 0 when it did not answer in time or could not be reached. */
  status: number;
  /** Why it failed: what the next attempt's `square-retry-reason` says. */
  failure?: RetryReason;
}

/**
 * `held` (by the reorder fault), `pending` (an attempt in flight or a retry scheduled),
 * `delivered`, `dropped` (by the drop fault) or `discarded` (72 hours passed, or the
 * subscription was deleted or disabled).
 */
export type DeliveryState = 'held' | 'pending' | 'delivered' | 'dropped' | 'discarded';

export interface DeliveryRecord {
  eventId: string;
  type: string;
  subscriptionId: string;
  /** An extra copy the duplicate fault added (same event id and body). */
  duplicate: boolean;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
}

export interface DeliveryOptions {
  subscriptions: SubscriptionStore;
  /** Divides every delay of Square's schedule (and the answer deadline); 1 is real time. */
  timeScale: number;
  /** The answer deadline; default 10 s divided by `timeScale`. */
  answerTimeoutMs?: number | undefined;
  /** The world's clock, for `square-initial-delivery-timestamp`. */
  clock(): Date;
  random: Random;
  faults?: WebhookFaults | undefined;
}

export interface WebhookDeliveries {
  send(events: readonly WebhookEvent[]): void;
  setFaults(faults: WebhookFaults): void;
  /** Every delivery so far, oldest first (copies of the records). */
  log(): DeliveryRecord[];
  /** Resolves with the log once nothing is held or pending; rejects after `timeoutMs`. */
  settled(timeoutMs?: number): Promise<DeliveryRecord[]>;
  close(): Promise<void>;
}

interface Delivery {
  record: DeliveryRecord;
  body: string;
  /** Real time of the event, for the 72-hour horizon. */
  enqueuedAt: number;
  initialDeliveryAt?: string;
}

export function createWebhookDeliveries(options: DeliveryOptions): WebhookDeliveries {
  const { subscriptions, timeScale, clock } = options;
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number: ${timeScale}`);
  const answerTimeoutMs = Math.ceil(options.answerTimeoutMs ?? ANSWER_DEADLINE / timeScale);
  let decisions: FaultDecisions = faultDecisions(options.faults ?? {}, options.random);
  const deliveries: Delivery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const listeners = new Set<() => void>();
  const closing = new AbortController();
  /** Events held by the reorder fault, each with its deliveries. */
  let held: Delivery[][] = [];
  let holdTimer: NodeJS.Timeout | undefined;

  const changed = () => {
    for (const listener of listeners) listener();
  };
  const later = (delayMs: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    timers.add(timer);
    return timer;
  };
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    work.finally(() => inFlight.delete(work));
    return work;
  };

  async function attempt(delivery: Delivery): Promise<void> {
    const { record } = delivery;
    const subscription = subscriptions.get(record.subscriptionId);
    if (closing.signal.aborted) return;
    if (!subscription?.enabled) {
      record.state = 'discarded';
      return changed();
    }
    const retryNumber = record.attempts.length;
    const previous = record.attempts.at(-1);
    delivery.initialDeliveryAt ??= clock().toISOString();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-square-hmacsha256-signature': signWebhook(
        subscription.signature_key,
        subscription.notification_url,
        delivery.body,
      ),
      'square-environment': 'Sandbox',
      'square-initial-delivery-timestamp': delivery.initialDeliveryAt,
      ...(previous?.failure
        ? {
            'square-retry-number': String(retryNumber),
            'square-retry-reason': previous.failure,
          }
        : {}),
    };
    let status = 0;
    let failure: RetryReason | undefined;
    try {
      const response = await fetch(subscription.notification_url, {
        method: 'POST',
        headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(answerTimeoutMs), closing.signal]),
      });
      status = response.status;
      await response.arrayBuffer();
      if (status < 200 || status > 299) failure = 'http_error';
    } catch (error) {
      if (closing.signal.aborted) return;
      failure =
        error instanceof DOMException && error.name === 'TimeoutError'
          ? 'http_timeout'
          : 'other_error';
    }
    record.attempts.push(failure ? { retryNumber, status, failure } : { retryNumber, status });
    if (!failure) {
      record.state = 'delivered';
      return changed();
    }
    const delay = (RETRY_DELAYS[retryNumber] ?? HOURLY) / timeScale;
    if (Date.now() + delay - delivery.enqueuedAt > GIVE_UP_AFTER / timeScale) {
      record.state = 'discarded';
      return changed();
    }
    later(delay, () => void track(attempt(delivery)));
    changed();
  }

  /** First attempts of one event: per subscription, the original and then each copy. */
  function dispatch(event: Delivery[]): Promise<void> {
    const bySubscription = Map.groupBy(event, (delivery) => delivery.record.subscriptionId);
    return Promise.all(
      [...bySubscription.values()].map(async (copies) => {
        for (const delivery of copies) {
          delivery.record.state = 'pending';
          await track(attempt(delivery));
        }
      }),
    ).then(() => undefined);
  }

  async function flushHeld(): Promise<void> {
    if (holdTimer) clearTimeout(holdTimer);
    holdTimer = undefined;
    const events = held.reverse();
    held = [];
    for (const event of events) await dispatch(event);
  }

  return {
    send(events) {
      for (const event of events) {
        const body = JSON.stringify(event);
        const eventDeliveries: Delivery[] = [];
        for (const subscription of subscriptions.subscribedTo(event.type)) {
          const base = {
            eventId: event.event_id,
            type: event.type,
            subscriptionId: subscription.id,
          };
          if (decisions.drops(event.type)) {
            const record: DeliveryRecord = {
              ...base,
              duplicate: false,
              state: 'dropped',
              attempts: [],
            };
            deliveries.push({ record, body, enqueuedAt: Date.now() });
            continue;
          }
          const copies = decisions.copiesOf();
          for (let copy = 0; copy < copies; copy++) {
            const record: DeliveryRecord = {
              ...base,
              duplicate: copy > 0,
              state: decisions.faults.reorder ? 'held' : 'pending',
              attempts: [],
            };
            const delivery = { record, body, enqueuedAt: Date.now() };
            deliveries.push(delivery);
            eventDeliveries.push(delivery);
          }
        }
        if (eventDeliveries.length === 0) continue;
        if (!decisions.faults.reorder) {
          void dispatch(eventDeliveries);
          continue;
        }
        held.push(eventDeliveries);
        if (held.length >= 2) void track(flushHeld());
        else holdTimer ??= later(REORDER_HOLD / timeScale, () => void track(flushHeld()));
      }
      changed();
    },
    setFaults(faults) {
      decisions = faultDecisions(faults, options.random);
      if (!faults.reorder && held.length > 0) void track(flushHeld());
    },
    log: () => deliveries.map(({ record }) => structuredClone(record)),
    settled(timeoutMs = 10_000) {
      const unsettled = () =>
        deliveries.some(({ record }) => record.state === 'held' || record.state === 'pending');
      return new Promise((resolve, reject) => {
        const check = () => {
          if (unsettled()) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(deliveries.map(({ record }) => structuredClone(record)));
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`webhook deliveries still open after ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async close() {
      closing.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (holdTimer) clearTimeout(holdTimer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
