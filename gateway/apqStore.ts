import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';

/**
 * Apollo Server's key-value cache (its `cache` option, which holds automatic persisted
 * queries) on Redis, so a query registered through one gateway is known to every gateway
 * behind the load balancer: a client that sent the hash to gateway A and the document after
 * PERSISTED_QUERY_NOT_FOUND need not repeat that when its next request lands on gateway B.
 * A Redis failure reads as a miss (the client then sends the document), never as an error.
 */
export interface ApqStore {
  get(key: string): Promise<string | undefined>;
  /** `ttl` in seconds, as Apollo Server gives it. */
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** The document another gateway registered under this hash, for the request guard. */
  documentFor(hash: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function createRedisApqStore(options: { url: string; prefix: string }): ApqStore {
  const keyv = new Keyv<string>({
    store: new KeyvRedis(options.url),
    namespace: `${options.prefix}:gateway:apq`,
  });
  keyv.on('error', () => undefined);
  return {
    get: async (key) => (await keyv.get(key).catch(() => undefined)) ?? undefined,
    async set(key, value, setOptions) {
      const ttl = setOptions?.ttl ? setOptions.ttl * 1000 : undefined;
      await keyv.set(key, value, ttl).catch(() => undefined);
    },
    delete: (key) => keyv.delete(key).catch(() => false),
    async documentFor(hash) {
      // Apollo Server keeps persisted queries under `apq:<hash>` in its cache.
      const query = await keyv.get(`apq:${hash}`).catch(() => undefined);
      return typeof query === 'string' ? query : undefined;
    },
    async close() {
      await keyv.disconnect();
    },
  };
}
