/**
 * Where a subscription resumes, as clients send it to the gateway and the gateway to a
 * subgraph (in a subscribe message's `extensions`, or graphql-ws `connectionParams`).
 */

/** `lastEventId`: the last `extensions.eventId` received; resume after it. */
export function lastEventIdOf(fields: unknown): string | undefined {
  const value = (fields as { lastEventId?: unknown } | undefined)?.lastEventId;
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * `since`: resume by time, for a subscriber that has received no event yet (so has no
 * `lastEventId`): epoch ms or an RFC 3339 time, the moment it first subscribed.
 */
export function sinceOf(fields: unknown): number | undefined {
  const value = (fields as { since?: unknown } | undefined)?.since;
  const time =
    typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}
