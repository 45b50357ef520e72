/**
 * A queue that producers push into and one consumer reads as an async iterator: what a
 * subscription hands graphql-ws (the gateway's subscribers, a subgraph's bus events). Values
 * are read in push order; `end()` lets the consumer drain what is queued, then finish.
 *
 * With `maxQueued`, a consumer that stops reading cannot grow the queue without bound: the push
 * that would exceed it empties the queue, queues `overflow()`'s last word instead and ends.
 * `return()` (the consumer leaving) ends at once and calls `onClose` once, as does draining an
 * ended queue, so whatever feeds the queue is detached exactly once either way.
 */
export interface PushIterator<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  end(): void;
  readonly ended: boolean;
}

export interface PushIteratorOptions<T> {
  maxQueued?: number | undefined;
  /** The last value a consumer past `maxQueued` receives. */
  overflow?: () => T;
  /** Each value as it is handed to the consumer. */
  onDeliver?: (value: T) => void;
  /** Once, when the consumer leaves or the ended queue is drained. */
  onClose?: () => void;
}

export function createPushIterator<T>(options: PushIteratorOptions<T> = {}): PushIterator<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.onClose?.();
  };
  const finish = async (): Promise<IteratorResult<T>> => {
    ended = true;
    queue.length = 0;
    close();
    wake?.();
    return { done: true, value: undefined };
  };
  const iterator: PushIterator<T> = {
    get ended() {
      return ended;
    },
    push(value) {
      if (ended) return;
      if (options.maxQueued !== undefined && queue.length >= options.maxQueued) {
        queue.length = 0;
        if (options.overflow) queue.push(options.overflow());
        ended = true;
        close();
      } else {
        queue.push(value);
      }
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async next() {
      for (;;) {
        if (queue.length > 0) {
          const value = queue.shift() as T;
          options.onDeliver?.(value);
          return { done: false, value };
        }
        if (ended) return finish();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
  };
  return iterator;
}
