import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../src/redis/connection.js';
import { uniquePrefix } from './helpers/redis.js';
import { sentinelAsk, waitFor } from './helpers/sentinel.js';
import { startPair, stopPairsAfterEach } from './helpers/sentinel-pair.js';

stopPairsAfterEach();

/** The port of the server `redis` is connected to, from its own INFO. */
async function servingPort(redis: Redis): Promise<number> {
  return Number(/tcp_port:(\d+)/.exec(await redis.info('server'))?.[1]);
}

describe('the master behind the sentinel fails over', () => {
  it('a connection made by connectRedis follows the sentinel to the promoted replica, and the queue goes on', async () => {
    const { master, replica, sentinel, url } = await startPair();
    const redis = connectRedis(url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    const queue = new Queue('failover-check', { connection: redis, prefix: uniquePrefix('failover') });
    queue.on('error', () => undefined);
    try {
      await queue.add('before', { n: 1 });
      expect(await redis.wait(1, 5_000)).toBe(1);
      expect(await servingPort(redis)).toBe(master.port);

      await master.kill();
      const during = await queue.add('during the failover', { n: 2 });

      expect(during.id).toBeDefined();
      expect(await sentinelAsk(sentinel.port, 'GET-MASTER-ADDR-BY-NAME', sentinel.masterName)).toEqual(['127.0.0.1', String(replica.port)]);
      expect(await servingPort(redis)).toBe(replica.port);
      expect(await queue.count()).toBe(2);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  }, 60_000);

  it('a manual SENTINEL FAILOVER, the old master still up: the connection moves to the new master', async () => {
    const { master, replica, sentinel, url } = await startPair();
    const redis = connectRedis(url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    try {
      await redis.set('opsbot-failover-check', 'before');
      expect(await servingPort(redis)).toBe(master.port);

      expect(await sentinelAsk(sentinel.port, 'FAILOVER', sentinel.masterName)).toBe('OK');
      await waitFor(async () => (await servingPort(redis).catch(() => 0)) === replica.port, 'the connection on the promoted replica', undefined, 20_000);

      expect(await redis.set('opsbot-failover-check', 'after')).toBe('OK');
      expect(await redis.get('opsbot-failover-check')).toBe('after');
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
