import type { Redis } from 'ioredis';
import { connectRedis } from './connection.js';

/**
 * A client for one look at the Redis at `url` (for a sentinel URL, the master the Sentinels name):
 * not yet connected, giving up after `timeoutMs` and never retrying; errors come back from its calls.
 */
export function oneLookClient(url: string, timeoutMs: number): Redis {
  const client = connectRedis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    sentinelCommandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return client;
}

/** True when a Redis server (for a sentinel URL: the master the Sentinels name) answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = oneLookClient(url, timeoutMs);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
