import type { VendorCall, VendorWire } from '../vendorHttp.ts';

/** Square's API version the emulators and adapters are written against. */
export const SQUARE_VERSION = '2025-08-20';

interface SquareErrorBody {
  errors?: { category?: string; code?: string; detail?: string; field?: string }[];
}

/** Square's POST endpoints that only read are named for it. */
const readRoutes = /\/(search|batch-retrieve|bulk-retrieve|list)$/;

/**
 * Square on the wire: Bearer auth with the `Square-Version` header; GET and the read-named
 * POSTs read; writes carry `idempotency_key`; errors are `{"errors":[{category, code, detail,
 * field}]}`, of which the first names the failure.
 */
export const squareWire: VendorWire = {
  headers: (token) => ({ authorization: `Bearer ${token}`, 'square-version': SQUARE_VERSION }),
  isRead: (call: VendorCall) => call.method === 'GET' || readRoutes.test(call.route),
  hasIdempotencyKey: (body) =>
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { idempotency_key?: unknown }).idempotency_key === 'string',
  errorOf(body) {
    const first = (body as SquareErrorBody | undefined)?.errors?.[0];
    return first ? { code: first.code, detail: `${first.code}: ${first.detail ?? ''}` } : undefined;
  },
};
