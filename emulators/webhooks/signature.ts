/**
 * Square's webhook signature: base64(HMAC-SHA256(key = the subscription's signature key as
 * UTF-8, message = notification URL + raw body)), no separator. Nothing time-based is signed.
 */
import { createHmac } from 'node:crypto';

export function signWebhook(signatureKey: string, notificationUrl: string, body: string): string {
  return createHmac('sha256', signatureKey)
    .update(notificationUrl + body)
    .digest('base64');
}
