import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Square's webhook signature check: `x-square-hmacsha256-signature` must be
 * base64(HMAC-SHA256(key = the subscription's signature key, message = notification URL + raw
 * body)). The URL is the one registered with Square, exactly (scheme, host, port, path), not
 * the one the request arrived on, which a proxy may have rewritten. Compared in constant time.
 */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

export function verifySquareSignature(check: {
  signatureKey: string;
  notificationUrl: string;
  rawBody: Buffer;
  /** The header as sent; absent fails. */
  signature: string | undefined;
}): boolean {
  if (check.signature === undefined) return false;
  const expected = createHmac('sha256', check.signatureKey)
    .update(check.notificationUrl)
    .update(check.rawBody)
    .digest();
  const given = Buffer.from(check.signature, 'base64');
  // timingSafeEqual needs equal lengths; a digest's length is public, so this leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
