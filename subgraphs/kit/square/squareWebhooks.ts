import type { WebhookFormat } from '../webhookReceiver.ts';
import { SQUARE_SIGNATURE_HEADER, verifySquareSignature } from './squareSignature.ts';

/** A Square webhook event as delivered: `type` names the change, `data.object` carries it. */
export interface SquareWebhookEvent {
  merchant_id?: string;
  location_id?: string;
  type: string;
  event_id: string;
  created_at?: string;
  data?: { type?: string; id?: string; object?: Record<string, unknown> };
}

/** How Square delivers webhooks: where we receive them, how they are signed, what they hold. */
export const squareWebhookFormat: WebhookFormat<SquareWebhookEvent> = {
  path: '/webhooks/square',
  verify({ headers, rawBody, signatureKey, notificationUrl }) {
    const signature = headers[SQUARE_SIGNATURE_HEADER];
    return verifySquareSignature({
      signatureKey,
      notificationUrl,
      rawBody,
      signature: typeof signature === 'string' ? signature : undefined,
    });
  },
  parse(rawBody) {
    let value: unknown;
    try {
      value = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return undefined;
    }
    const event = value as Partial<SquareWebhookEvent> | null;
    if (typeof event?.event_id !== 'string' || event.event_id === '') return undefined;
    if (typeof event.type !== 'string') return undefined;
    return { id: event.event_id, type: event.type, event: event as SquareWebhookEvent };
  },
};
