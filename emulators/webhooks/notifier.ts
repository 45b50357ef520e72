/**
 * The webhook side of one emulator: Square's Webhook Subscriptions API, and every world
 * change of the event types it owns delivered to the subscriptions that want it. Admin routes
 * (no token, not logged) switch delivery faults and show the delivery log:
 * `POST /__admin/webhooks/faults` with `{duplicate, reorder, drop}`, and
 * `GET /__admin/webhooks/deliveries`.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorHandle } from '../http.ts';
import { createIdempotencyStore } from '../idempotency.ts';
import { createRandom } from '../random.ts';
import type { Route } from '../router.ts';
import type { World } from '../world.ts';
import { createWebhookDeliveries, type DeliveryRecord } from './delivery.ts';
import { type WebhookEventType, webhookEventsFor } from './events.ts';
import { readFaults, type WebhookFaults } from './faults.ts';
import {
  createSubscriptionStore,
  type WebhookSubscription,
  webhookSubscriptionRoutes,
} from './subscriptions.ts';

export interface WebhookOptions {
  /** Divides Square's delivery schedule (retries, answer deadline); default 1, real time. */
  timeScale?: number | undefined;
  /** The answer deadline; default 10 s divided by the time scale. */
  answerTimeoutMs?: number | undefined;
  faults?: WebhookFaults | undefined;
}

/** What tests ask of an emulator's webhooks. */
export interface WebhookNotifier {
  subscriptions(): WebhookSubscription[];
  /** Every delivery so far, oldest first, with its attempts. */
  deliveries(): DeliveryRecord[];
  /** Resolves with the deliveries once none is held or pending. */
  settled(timeoutMs?: number): Promise<DeliveryRecord[]>;
  setFaults(faults: WebhookFaults): void;
}

export interface ApiEmulatorHandle extends EmulatorHandle {
  webhooks: WebhookNotifier;
}

/**
 * Starts an emulator (through `start`, given the webhook routes to add to its API and admin
 * tables) that delivers the world's changes of `eventTypes` as webhooks.
 */
export async function startWithWebhooks(
  world: World,
  eventTypes: readonly WebhookEventType[],
  options: WebhookOptions | undefined,
  start: (routes: Route[], adminRoutes: Route[]) => Promise<EmulatorHandle>,
): Promise<ApiEmulatorHandle> {
  const store = createSubscriptionStore();
  const deliveries = createWebhookDeliveries({
    subscriptions: store,
    timeScale: options?.timeScale ?? 1,
    answerTimeoutMs: options?.answerTimeoutMs,
    clock: () => world.clock(),
    random: createRandom(world.seed + 7919),
    faults: options?.faults,
  });
  const routes = webhookSubscriptionRoutes({
    store,
    eventTypes,
    idempotency: createIdempotencyStore(),
    now: () => world.clock().toISOString(),
  });
  const adminRoutes: Route[] = [
    {
      method: 'POST',
      path: '/__admin/webhooks/faults',
      handle: ({ body }) => {
        const faults = readFaults(body);
        deliveries.setFaults(faults);
        return { faults };
      },
    },
    {
      method: 'GET',
      path: '/__admin/webhooks/deliveries',
      handle: () => ({ deliveries: deliveries.log() }),
    },
  ];
  let handle: EmulatorHandle;
  try {
    handle = await start(routes, adminRoutes);
  } catch (error) {
    await deliveries.close();
    throw error;
  }
  const unsubscribe = world.onChange((change) => {
    if (!eventTypes.includes(change.kind)) return;
    deliveries.send(
      webhookEventsFor(change, {
        merchantId: world.merchantId,
        createdAt: world.clock().toISOString(),
        newId: randomUUID,
      }),
    );
  });
  return {
    ...handle,
    webhooks: {
      subscriptions: () => store.list(),
      deliveries: () => deliveries.log(),
      settled: (timeoutMs) => deliveries.settled(timeoutMs),
      setFaults: (faults) => deliveries.setFaults(faults),
    },
    async close() {
      unsubscribe();
      await deliveries.close();
      await handle.close();
    },
  };
}
