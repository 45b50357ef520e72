import type { WebhookEndpoint } from './webhookReceiver.ts';

/**
 * Subscribes a subgraph to its vendor's webhooks through the vendor's Webhook Subscriptions
 * API, as an operator would once per deployment, and hands the subgraph the signature key the
 * vendor made. The local system does it at start, once the subgraphs listen (on port 0 their
 * URLs are known only then).
 */
export interface WebhookRegistration {
  /** The vendor API's base URL and token. */
  apiUrl: string;
  token: string;
  name: string;
  eventTypes: readonly string[];
  endpoint: WebhookEndpoint;
}

export interface RegisteredWebhook {
  subscriptionId: string;
  notificationUrl: string;
}

export async function registerVendorWebhooks(
  registration: WebhookRegistration,
): Promise<RegisteredWebhook> {
  const notificationUrl = registration.endpoint.notificationUrl();
  if (notificationUrl === undefined) {
    throw new Error(`${registration.name}: the subgraph has no webhook URL to register`);
  }
  const response = await fetch(new URL('/v2/webhooks/subscriptions', registration.apiUrl), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${registration.token}`,
      'content-type': 'application/json',
      'square-version': '2025-08-20',
    },
    body: JSON.stringify({
      idempotency_key: crypto.randomUUID(),
      subscription: {
        name: registration.name,
        event_types: registration.eventTypes,
        notification_url: notificationUrl,
      },
    }),
  });
  const body = (await response.json()) as {
    subscription?: { id: string; signature_key: string };
    errors?: { code: string; detail: string }[];
  };
  if (!response.ok || !body.subscription) {
    const reason = body.errors?.map((e) => `${e.code}: ${e.detail}`).join('; ');
    throw new Error(
      `${registration.name}: webhook subscription refused (${response.status} ${reason})`,
    );
  }
  registration.endpoint.configure({ signatureKey: body.subscription.signature_key });
  return { subscriptionId: body.subscription.id, notificationUrl };
}
