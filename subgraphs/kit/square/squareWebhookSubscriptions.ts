import { randomUUID } from 'node:crypto';
import type { VendorHttp } from '../vendorHttp.ts';

/**
 * Subscribes to Square webhooks through its Webhook Subscriptions API
 * (`POST /v2/webhooks/subscriptions`), as an operator does once per deployment, over the
 * subgraph's own vendor HTTP path (its token, policies and counters). Square answers with the
 * subscription's signature key, which signs every delivery to `notificationUrl`.
 */
export interface WebhookSubscriptionRequest {
  /** The subscription's name at the vendor, e.g. `pos`. */
  name: string;
  eventTypes: readonly string[];
  /** The exact URL Square will post to (and sign). */
  notificationUrl: string;
}

export interface WebhookSubscription {
  subscriptionId: string;
  signatureKey: string;
}

interface CreatedSubscription {
  subscription?: { id?: string; signature_key?: string };
}

export async function subscribeToSquareWebhooks(
  http: VendorHttp,
  request: WebhookSubscriptionRequest,
): Promise<WebhookSubscription> {
  const route = '/v2/webhooks/subscriptions';
  const body = await http.request<CreatedSubscription>({
    method: 'POST',
    route,
    path: route,
    body: {
      idempotency_key: randomUUID(),
      subscription: {
        name: request.name,
        event_types: request.eventTypes,
        notification_url: request.notificationUrl,
      },
    },
  });
  const { id, signature_key: signatureKey } = body?.subscription ?? {};
  if (!id || !signatureKey) {
    throw new Error(
      `${http.upstream}: webhook subscription answered without an id and signature key`,
    );
  }
  return { subscriptionId: id, signatureKey };
}
