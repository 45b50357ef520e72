import { notFound } from '../../platform/errors.ts';
import { canSeeLocation, type Identity } from '../../platform/gatewayTrust.ts';

/**
 * Every read is filtered by the caller's locations. Something at a location the caller may not
 * see is reported exactly as something that does not exist (null, an empty list, NOT_FOUND),
 * so ids of other locations do not leak.
 */
export interface ScopedContext {
  identity: Identity;
}

export const sees = (context: ScopedContext, locationId: string): boolean =>
  canSeeLocation(context.identity, locationId);

/** The value when its location is visible, else null. */
export function ifVisible<V>(
  context: ScopedContext,
  value: V | null,
  locationOf: (value: V) => string,
) {
  return value !== null && sees(context, locationOf(value)) ? value : null;
}

/** For subscriptions: a location the caller may not see is refused as unknown. */
export function requireVisible(context: ScopedContext, locationId: string): void {
  if (!sees(context, locationId)) throw notFound('Location', locationId);
}
