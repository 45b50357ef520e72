/** The inventory emulator: Square's Inventory API (counts and changes) over one world, with count webhooks. */
import { type ApiEmulatorOptions, startEmulator } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { inventoryChangeRoutes } from './routes/inventory-changes.ts';
import { inventoryCountRoutes } from './routes/inventory-counts.ts';
import { webhookEventTypes } from './webhooks/events.ts';
import {
  type ApiEmulatorHandle,
  startWithWebhooks,
  type WebhookOptions,
} from './webhooks/notifier.ts';

export function startInventoryEmulator(
  options: ApiEmulatorOptions & { webhooks?: WebhookOptions | undefined },
): Promise<ApiEmulatorHandle> {
  const { world, webhooks, ...server } = options;
  const idempotency = createIdempotencyStore();
  return startWithWebhooks(
    world,
    webhookEventTypes.inventory,
    webhooks,
    (webhookRoutes, adminRoutes) =>
      startEmulator(
        [
          ...inventoryChangeRoutes(world, idempotency),
          ...inventoryCountRoutes(world),
          ...webhookRoutes,
        ],
        server,
        adminRoutes,
      ),
  );
}
