/** The POS emulator: Square's Locations, Orders and Catalog APIs over one world, with order webhooks. */
import { type ApiEmulatorOptions, startEmulator } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { locationRoutes } from './routes/locations.ts';
import { orderRoutes } from './routes/orders.ts';
import { webhookEventTypes } from './webhooks/events.ts';
import {
  type ApiEmulatorHandle,
  startWithWebhooks,
  type WebhookOptions,
} from './webhooks/notifier.ts';

export function startPosEmulator(
  options: ApiEmulatorOptions & { webhooks?: WebhookOptions | undefined },
): Promise<ApiEmulatorHandle> {
  const { world, webhooks, ...server } = options;
  const idempotency = createIdempotencyStore();
  return startWithWebhooks(world, webhookEventTypes.pos, webhooks, (webhookRoutes, adminRoutes) =>
    startEmulator(
      [
        ...locationRoutes(world),
        ...orderRoutes(world, idempotency),
        ...catalogRoutes(world),
        ...webhookRoutes,
      ],
      server,
      adminRoutes,
    ),
  );
}
