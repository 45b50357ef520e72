import { createHmac } from 'node:crypto';
import type { WebhookEndpoint } from '../subgraphs/kit/webhookReceiver.ts';

/**
 * Sends a webhook to a subgraph as Square would, signed with the subgraph's key over its
 * notification URL and the body, or with another key, or unsigned (`signatureKey: null`).
 */
export async function sendWebhook(
  subgraph: { webhooks: WebhookEndpoint },
  event: unknown,
  options: { signatureKey?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const url = subgraph.webhooks.notificationUrl() ?? '';
  const body = JSON.stringify(event);
  const key =
    options.signatureKey === undefined ? subgraph.webhooks.signatureKey() : options.signatureKey;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null && key !== undefined) {
    headers['x-square-hmacsha256-signature'] = createHmac('sha256', key)
      .update(url + body)
      .digest('base64');
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

/** A thin `order.updated` event, as Square sends it. */
export function orderUpdatedEvent(order: {
  id: string;
  version: number;
  location_id: string;
  state?: string;
}) {
  return {
    merchant_id: 'MLTEST',
    location_id: order.location_id,
    type: 'order.updated',
    event_id: crypto.randomUUID(),
    created_at: new Date().toISOString(),
    data: {
      type: 'order_updated',
      id: order.id,
      object: {
        order_updated: {
          order_id: order.id,
          version: order.version,
          location_id: order.location_id,
          state: order.state ?? 'OPEN',
        },
      },
    },
  };
}

/** An `inventory.count.updated` event with one in-stock count, as Square sends it. */
export function inventoryCountUpdatedEvent(count: {
  catalog_object_id: string;
  location_id: string;
  quantity: string;
  calculated_at: string;
}) {
  return {
    merchant_id: 'MLTEST',
    location_id: count.location_id,
    type: 'inventory.count.updated',
    event_id: crypto.randomUUID(),
    created_at: new Date().toISOString(),
    data: {
      type: 'inventory_counts',
      id: crypto.randomUUID(),
      object: {
        inventory_counts: [{ ...count, catalog_object_type: 'ITEM_VARIATION', state: 'IN_STOCK' }],
      },
    },
  };
}
