/**
 * Square's Webhook Subscriptions API: create, list, retrieve and delete subscriptions, and
 * rotate a subscription's signature key. The key is shown only when it is made (create and
 * rotate), as Square does. An emulator accepts the event types it owns and no others.
 */
import { randomBytes } from 'node:crypto';
import { pageBody, paginate } from '../cursor.ts';
import type { IdempotencyStore } from '../idempotency.ts';
import { compact, missing, readFields } from '../request-fields.ts';
import type { Route } from '../router.ts';
import { squareError } from '../square-errors.ts';
import type { WebhookEventType } from './events.ts';

const SQUARE_VERSION = '2025-08-20';
const MAX_PAGE = 100;

export interface WebhookSubscription {
  id: string;
  name?: string;
  enabled: boolean;
  event_types: WebhookEventType[];
  notification_url: string;
  api_version: string;
  signature_key: string;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionStore {
  get(id: string): WebhookSubscription | undefined;
  /** Enabled subscriptions to the event type, oldest first. */
  subscribedTo(type: WebhookEventType): WebhookSubscription[];
  list(): WebhookSubscription[];
}

export function createSubscriptionStore(): SubscriptionStore & {
  subscriptions: Map<string, WebhookSubscription>;
} {
  const subscriptions = new Map<string, WebhookSubscription>();
  return {
    subscriptions,
    get: (id) => subscriptions.get(id),
    subscribedTo: (type) =>
      [...subscriptions.values()].filter((s) => s.enabled && s.event_types.includes(type)),
    list: () => [...subscriptions.values()],
  };
}

export function webhookSubscriptionRoutes(options: {
  store: ReturnType<typeof createSubscriptionStore>;
  /** The event types this emulator delivers. */
  eventTypes: readonly WebhookEventType[];
  idempotency: IdempotencyStore;
  /** The world's current time, RFC 3339. */
  now(): string;
}): Route[] {
  const { store, eventTypes, idempotency, now } = options;
  const find = (id: string | undefined) => {
    const found = store.subscriptions.get(id ?? '');
    if (!found) throw squareError('NOT_FOUND', `Webhook subscription ${id} not found.`);
    return found;
  };
  return [
    {
      method: 'POST',
      path: '/v2/webhooks/subscriptions',
      handle: ({ body }) => {
        const fields = readFields(body);
        const subscription = fields.requiredObject('subscription');
        const notificationUrl = subscription.requiredString('notification_url');
        if (!URL.canParse(notificationUrl)) {
          throw squareError(
            'INVALID_VALUE',
            `Expected an absolute URL, got ${notificationUrl}.`,
            subscription.pathOf('notification_url'),
          );
        }
        const requested = subscription.stringArray('event_types');
        if (!requested || requested.length === 0) {
          throw missing(subscription.pathOf('event_types'));
        }
        for (const [index, type] of requested.entries()) {
          if (!eventTypes.includes(type as WebhookEventType)) {
            throw squareError(
              'INVALID_VALUE',
              `Unknown event type ${type}; this API sends ${eventTypes.join(', ')}.`,
              subscription.pathOf(`event_types[${index}]`),
            );
          }
        }
        const name = subscription.string('name');
        const enabled = subscription.boolean('enabled') ?? true;
        const apiVersion = subscription.string('api_version') ?? SQUARE_VERSION;
        return idempotency.once(
          'POST /v2/webhooks/subscriptions',
          fields.string('idempotency_key'),
          body,
          () => {
            const at = now();
            const created: WebhookSubscription = compact({
              id: `wbhk_${randomBytes(16).toString('hex')}`,
              name,
              enabled,
              event_types: [...new Set(requested)] as WebhookEventType[],
              notification_url: notificationUrl,
              api_version: apiVersion,
              signature_key: newSignatureKey(),
              created_at: at,
              updated_at: at,
            });
            store.subscriptions.set(created.id, created);
            return { subscription: created };
          },
        );
      },
    },
    {
      method: 'GET',
      path: '/v2/webhooks/subscriptions',
      handle: ({ query }) => {
        const includeDisabled = query.get('include_disabled') === 'true';
        const descending = query.get('sort_order') === 'DESC';
        const listed = store
          .list()
          .filter((s) => includeDisabled || s.enabled)
          .sort((a, b) => a.created_at.localeCompare(b.created_at) * (descending ? -1 : 1))
          .map(withoutKey);
        const limit = Number(query.get('limit') ?? MAX_PAGE);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
          throw squareError('VALUE_TOO_HIGH', `limit must be 1 to ${MAX_PAGE}.`, 'limit');
        }
        const page = paginate(listed, {
          scope: 'GET /v2/webhooks/subscriptions',
          query: Object.fromEntries(query),
          cursor: query.get('cursor') ?? undefined,
          limit,
        });
        return pageBody('subscriptions', page);
      },
    },
    {
      method: 'GET',
      path: '/v2/webhooks/subscriptions/{subscription_id}',
      handle: ({ params }) => ({ subscription: withoutKey(find(params.subscription_id)) }),
    },
    {
      method: 'DELETE',
      path: '/v2/webhooks/subscriptions/{subscription_id}',
      handle: ({ params }) => {
        store.subscriptions.delete(find(params.subscription_id).id);
        return {};
      },
    },
    {
      method: 'POST',
      path: '/v2/webhooks/subscriptions/{subscription_id}/signature-key',
      handle: ({ params, body }) => {
        const current = find(params.subscription_id);
        return idempotency.once(
          `POST /v2/webhooks/subscriptions/${current.id}/signature-key`,
          readFields(body).string('idempotency_key'),
          body,
          () => {
            const rotated = { ...current, signature_key: newSignatureKey(), updated_at: now() };
            store.subscriptions.set(rotated.id, rotated);
            return { signature_key: rotated.signature_key };
          },
        );
      },
    },
  ];
}

function newSignatureKey(): string {
  return randomBytes(16).toString('base64url');
}

function withoutKey(subscription: WebhookSubscription): Omit<WebhookSubscription, 'signature_key'> {
  const { signature_key: _key, ...rest } = subscription;
  return rest;
}
