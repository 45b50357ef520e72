import { createHash } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { createInProcessRateLimiter, type RateLimiter } from './rateLimiter.ts';
import { redisClientOptions } from './redisClients.ts';

/**
 * The token bucket of rateLimiter.ts kept in Redis, so every instance calling a vendor with one
 * API token draws from one bucket. One Lua script refills and reserves atomically, on Redis's
 * own clock (instances' clocks may differ); the bucket is a hash that expires once it would be
 * full again. If Redis does not answer, each instance falls back to its own in-process bucket:
 * a Redis outage must not stop vendor calls, and the vendor's own 429s still bound the damage.
 */
export interface RedisRateLimiterOptions {
  url: string;
  /** Separates deployments sharing one Redis, e.g. the cache prefix. */
  prefix: string;
  /** How long a reservation may take before the local bucket is used instead. */
  commandTimeoutMs?: number;
}

// KEYS[1] bucket; ARGV: tokens per ms, burst, longest wait in ms. Returns {granted, wait ms}.
// Numbers go back as strings: Redis truncates Lua numbers to integers.
const reserveScript = `
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / perMs end
if wait > maxWait then return {0, tostring(wait)} end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
return {1, tostring(wait)}
`;
const scriptSha = createHash('sha1').update(reserveScript).digest('hex');

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { prefix, commandTimeoutMs = 250 } = options;
  const fallback = createInProcessRateLimiter();
  // Fails fast while disconnected instead of queueing: the fallback bucket takes over.
  const client = createClient(redisClientOptions(options.url));
  // Once a connection attempt has failed, calls use the local bucket until Redis is back
  // rather than each waiting out the command timeout.
  let failedOnce = false;
  client.on('error', () => {
    failedOnce = true;
  });
  const connecting = client.connect().catch(() => undefined);

  async function reserveInRedis(key: string, args: string[]): Promise<[number, string]> {
    await connecting;
    const redisKey = `${prefix}:rate-limit:${key}`;
    try {
      return (await client.evalSha(scriptSha, { keys: [redisKey], arguments: args })) as [
        number,
        string,
      ];
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return (await client.eval(reserveScript, { keys: [redisKey], arguments: args })) as [
        number,
        string,
      ];
    }
  }

  return {
    async reserve(key, limit, maxWaitMs) {
      if (failedOnce && !client.isReady) return fallback.reserve(key, limit, maxWaitMs);
      const args = [String(limit.perSecond / 1000), String(limit.burst), String(maxWaitMs)];
      let timer: NodeJS.Timeout | undefined;
      try {
        const [granted, wait] = await Promise.race([
          reserveInRedis(key, args),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('redis timeout')), commandTimeoutMs);
          }),
        ]);
        return { granted: granted === 1, waitMs: Number(wait) };
      } catch {
        return fallback.reserve(key, limit, maxWaitMs);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (client.isReady) await client.close();
      else client.destroy();
      await fallback.close();
    },
  };
}
