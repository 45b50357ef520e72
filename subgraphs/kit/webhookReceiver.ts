import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Counters } from '../../platform/counters.ts';
import type { Route } from '../../platform/httpServer.ts';
import type { ChangeApplier, EntityChange } from './changeApplier.ts';
import type { EventLedger } from './eventLedger.ts';

/**
 * `POST <format.path>`: a vendor's webhook deliveries, checked and applied before the answer.
 * The vendor's format (signature, event envelope) comes in as a `WebhookFormat`, e.g.
 * `squareWebhookFormat` (square/squareWebhooks.ts).
 *
 * - over `maxBodyBytes`: 413; no key configured yet: 503; bad or missing signature: 401. None
 *   of these reads or changes anything else.
 * - an event of a type the subgraph does not follow: 200, nothing done.
 * - an event id already applied: 200, nothing applied again; one being applied by another
 *   delivery right now: 409 (the vendor retries it later).
 * - otherwise each change the event makes goes through the change applier (version check,
 *   invalidation, fetch when thin, publish), then the event id is marked seen and the answer is
 *   200. If applying fails (the vendor is down while we fetch the order) the answer is 500 and
 *   the id stays unseen, so the vendor's retry applies it: an accepted webhook is never dropped.
 *
 * Square gives a receiver 10 s; applying takes one vendor call at most (a thin order's fetch),
 * bounded by the upstream timeout.
 */
export interface WebhookFormat<E> {
  /** Where the subgraph receives them, e.g. `/webhooks/square`. */
  path: string;
  /** Whether the delivery carries the vendor's signature over `notificationUrl` and the body. */
  verify(delivery: {
    headers: IncomingHttpHeaders;
    rawBody: Buffer;
    signatureKey: string;
    notificationUrl: string;
  }): boolean;
  /** The event with its vendor id (the dedupe key) and type, or undefined when it is none. */
  parse(rawBody: Buffer): { id: string; type: string; event: E } | undefined;
}

/** The key and URL the vendor signs with: settable at any time (key rotation, late registration). */
export interface WebhookEndpoint {
  signatureKey(): string | undefined;
  notificationUrl(): string | undefined;
  configure(settings: { signatureKey?: string; notificationUrl?: string }): void;
}

export function createWebhookEndpoint(
  initial: { signatureKey?: string | undefined; notificationUrl?: string | undefined } = {},
): WebhookEndpoint {
  let signatureKey = initial.signatureKey;
  let notificationUrl = initial.notificationUrl;
  return {
    signatureKey: () => signatureKey,
    notificationUrl: () => notificationUrl,
    configure(settings) {
      if (settings.signatureKey !== undefined) signatureKey = settings.signatureKey;
      if (settings.notificationUrl !== undefined) notificationUrl = settings.notificationUrl;
    },
  };
}

export interface WebhookReceiverOptions<E> {
  format: WebhookFormat<E>;
  endpoint: WebhookEndpoint;
  ledger: EventLedger;
  applier: ChangeApplier;
  counters: Counters;
  maxBodyBytes: number;
  /**
   * The changes an event makes (none for a type the subgraph does not follow), without I/O;
   * throws when the event's data is not what its type promises (answered 400).
   */
  changesOf(event: E): EntityChange[];
}

export function createWebhookReceiver<E>(options: WebhookReceiverOptions<E>): Route {
  const { format, endpoint, ledger, applier, counters, maxBodyBytes } = options;
  const answer = (res: ServerResponse, status: number, result: string, body: object) => {
    counters.increment('webhooks_received', { result });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  return async (req, res) => {
    const raw = await readRawBody(req, maxBodyBytes);
    if (raw === 'too-large') {
      return answer(res, 413, 'too_large', { error: `body exceeds ${maxBodyBytes} bytes` });
    }
    const signatureKey = endpoint.signatureKey();
    const notificationUrl = endpoint.notificationUrl();
    if (signatureKey === undefined || notificationUrl === undefined) {
      return answer(res, 503, 'unconfigured', { error: 'webhook signature key not set yet' });
    }
    const valid = format.verify({
      headers: req.headers,
      rawBody: raw,
      signatureKey,
      notificationUrl,
    });
    if (!valid) return answer(res, 401, 'bad_signature', { error: 'bad signature' });

    const event = format.parse(raw);
    if (!event) return answer(res, 400, 'malformed', { error: 'not a webhook event' });
    let changes: EntityChange[];
    try {
      changes = options.changesOf(event.event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return answer(res, 400, 'malformed', { error: reason });
    }
    if (changes.length === 0) return answer(res, 200, 'ignored', { result: 'ignored' });
    const claim = await ledger.claim(event.id);
    if (claim === 'duplicate') return answer(res, 200, 'duplicate', { result: 'duplicate' });
    if (claim === 'busy') {
      return answer(res, 409, 'busy', { error: 'another delivery of this event is in progress' });
    }
    try {
      for (const change of changes) await applier.apply(change, 'webhook');
      await ledger.complete(event.id);
    } catch (error) {
      await ledger.release(event.id);
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`webhook ${event.type} ${event.id} not applied: ${reason}`);
      return answer(res, 500, 'failed', { error: 'not applied; deliver it again' });
    }
    answer(res, 200, 'applied', { result: 'applied' });
  };
}

/** The body as sent (the signature covers its exact bytes), or 'too-large' past the limit. */
function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
