import type { Vendor } from '../vendor.ts';
import { subscribeToSquareWebhooks } from './squareWebhookSubscriptions.ts';
import { type SquareWebhookEvent, squareWebhookFormat } from './squareWebhooks.ts';
import { squareWire } from './squareWire.ts';

/** Square (API version 2025-08-20): what the POS, inventory and scheduling subgraphs speak. */
export const squareVendor: Vendor<SquareWebhookEvent> = {
  wire: squareWire,
  webhooks: squareWebhookFormat,
  subscribeToWebhooks: subscribeToSquareWebhooks,
};
