import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';

/**
 * Subscriptions one caller (a token's subject) may hold at once, over every socket and stream
 * of every transport: a per-socket limit alone lets one token open sockets until each holds
 * its share. A restaurant's staff member has a phone or two; a kitchen display a handful.
 */
export interface CallerLimits {
  /** The error for a caller at its limit, else undefined. */
  refusal(subject: string): GraphQLError | undefined;
  /** Counts the subscription for its caller until it ends (completes, or the client leaves). */
  hold<T extends AsyncIterableIterator<ExecutionResult>>(subject: string, subscription: T): T;
  held(subject: string): number;
}

export const defaultMaxSubscriptionsPerCaller = 200;

export function createCallerLimits(max = defaultMaxSubscriptionsPerCaller): CallerLimits {
  const open = new Map<string, number>();
  const release = (subject: string) => {
    const left = (open.get(subject) ?? 1) - 1;
    if (left <= 0) open.delete(subject);
    else open.set(subject, left);
  };
  return {
    held: (subject) => open.get(subject) ?? 0,
    refusal(subject) {
      if ((open.get(subject) ?? 0) < max) return undefined;
      return new GraphQLError(
        `this caller already holds ${max} subscriptions; complete one first`,
        { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED } },
      );
    },
    hold(subject, subscription) {
      open.set(subject, (open.get(subject) ?? 0) + 1);
      let released = false;
      const once = () => {
        if (released) return;
        released = true;
        release(subject);
      };
      const next = subscription.next.bind(subscription);
      const end = subscription.return?.bind(subscription);
      // The same object, so what the fan-out hangs on it (`live`, push) stays.
      subscription.next = async (...args: [] | [unknown]) => {
        const result = await next(...args);
        if (result.done) once();
        return result;
      };
      subscription.return = async (value?: unknown) => {
        once();
        return end ? end(value) : { done: true, value: undefined };
      };
      return subscription;
    },
  };
}
