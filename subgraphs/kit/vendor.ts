import type { VendorHttp, VendorWire } from './vendorHttp.ts';
import type { WebhookFormat } from './webhookReceiver.ts';

/**
 * What a vendor brings to the kit, so the kit itself speaks no vendor's wire format: its HTTP
 * conventions, its webhook format (events of type `E`) and how to subscribe to its webhooks.
 * Square's is `squareVendor` (square/squareVendor.ts); another vendor gets a folder of its own
 * beside `square/` and a `Vendor` of its own.
 */
export interface Vendor<E> {
  wire: VendorWire;
  webhooks: WebhookFormat<E>;
  /** Registers `notificationUrl` for `eventTypes`; resolves with the key deliveries are signed with. */
  subscribeToWebhooks(
    http: VendorHttp,
    request: { name: string; eventTypes: readonly string[]; notificationUrl: string },
  ): Promise<{ subscriptionId: string; signatureKey: string }>;
}
