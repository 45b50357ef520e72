import type { EventSource } from './subscriptionLoad.ts';

/**
 * Vendor changes for the subscription benchmarks: a new order at one location, created through
 * the POS emulator's API as a till would. Each is a change no other can coalesce with (its own
 * order, version 1), so every one must reach every subscriber: its key is `<id>:<version>`.
 */
export function newOrdersAt(options: {
  posApi: string;
  locationId: string;
  variationIds: string[];
  token?: string;
}): EventSource {
  const headers = {
    authorization: `Bearer ${options.token ?? 'dev-square-token'}`,
    'content-type': 'application/json',
  };
  let count = 0;
  return {
    async publish() {
      const variation = options.variationIds[count++ % options.variationIds.length];
      const response = await fetch(`${options.posApi}/v2/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          idempotency_key: crypto.randomUUID(),
          order: {
            location_id: options.locationId,
            line_items: [{ catalog_object_id: variation, quantity: '1' }],
          },
        }),
      });
      if (!response.ok)
        throw new Error(`POS CreateOrder: ${response.status} ${await response.text()}`);
      const { order } = (await response.json()) as { order: { id: string; version: number } };
      return `${order.id}:${order.version}`;
    },
  };
}
