import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../src/redis/connection.js';
import { uniquePrefix } from './helpers/redis.js';
import { carriedIds } from './helpers/carried-ids.js';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { alerts, carriedIn, idsOf, YAML } from './helpers/recovery-world.js';
import { sentinelAsk, startRedisServer, startSentinel, waitFor, type TestRedisServer, type TestSentinel } from './helpers/sentinel.js';

/*
 * A private master and its replica (never the machine's Redis), watched by one Sentinel that judges
 * the master down after 1 s and promotes the replica.
 */
interface Pair {
  master: TestRedisServer;
  replica: TestRedisServer;
  sentinel: TestSentinel;
  url: string;
}

const pairs: Pair[] = [];

async function startPair(): Promise<Pair> {
  const master = await startRedisServer();
  const replica = await startRedisServer(master.port);
  const sentinel = await startSentinel({ masterPort: master.port, downAfterMs: 1_000 });
  const pair = { master, replica, sentinel, url: `redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}` };
  pairs.push(pair);
  await waitFor(() => replicaInSync(sentinel.port, sentinel.masterName), 'the sentinel seeing the replica in sync');
  return pair;
}

afterEach(async () => {
  for (const { sentinel, replica, master } of pairs.splice(0)) {
    await sentinel.stop();
    await replica.kill();
    await master.kill();
  }
});

/** True once the sentinel sees a replica of its master group that is in sync with the master. */
async function replicaInSync(sentinelPort: number, masterName: string): Promise<boolean> {
  const replicas = (await sentinelAsk(sentinelPort, 'REPLICAS', masterName)) as string[][] | null;
  return (replicas ?? []).some((fields) => {
    const field = (name: string) => fields[fields.indexOf(name) + 1];
    return field('flags') === 'slave' && field('master-link-status') === 'ok';
  });
}

/** Alert ids the Discord channel received, each in its own message or in a storm summary. */
function carriedInChannel(fakes: Fakes, channel: string): number[] {
  return fakes.discord
    .inChannel(channel)
    .flatMap((m) => m.embeds.flatMap((e) => carriedIds([e.title, e.description, e.footer?.text].join('\n')).ids))
    .sort((a, b) => a - b);
}

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

  describe('under a running bot', () => {
    let fakes: Fakes;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'opsbot-sentinel-failover-'));
      fakes = await startFakes();
    });
    afterAll(async () => {
      killLeftoverBots();
      await fakes?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /* The bot runs as a child process, killed at the end: its graceful stop is not what this test is about. */
    it('alerts accepted before, during and after the failover each arrive once on both platforms', async () => {
      const { master, replica, sentinel, url } = await startPair();
      const configPath = join(dataDir, 'opsbot.yaml');
      writeFileSync(configPath, YAML);
      const bot = await spawnBot({
        API_TOKEN: TEST_API_TOKEN,
        PORT: '0',
        REDIS_URL: url,
        OPSBOT_DATA_DIR: dataDir,
        OPSBOT_CONFIG: configPath,
        OPSBOT_QUEUE_PREFIX: uniquePrefix('failover-bot'),
        DISCORD_TOKEN: DISCORD_TEST_TOKEN,
        DISCORD_API_URL: fakes.discord.apiUrl,
        TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN,
        TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
      });
      try {
        const post = async (tag: string) => {
          const response = await fetch(`${bot.url}/api/v1/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_TOKEN}` },
            body: JSON.stringify(alerts(5, tag)),
          });
          expect(response.status).toBe(202);
          return idsOf({ body: (await response.json()) as { alerts: Array<{ id: number }> } });
        };
        const before = await post('before');
        await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length === 5 && carriedInChannel(fakes, '100').length === 5);

        await master.kill();
        const during = await post('during');
        await waitFor(
          async () => ((await sentinelAsk(sentinel.port, 'GET-MASTER-ADDR-BY-NAME', sentinel.masterName)) as string[] | null)?.[1] === String(replica.port),
          'the sentinel promoting the replica',
          undefined,
          30_000,
        );
        const after = await post('after');

        const everyId = [...before, ...during, ...after].sort((a, b) => a - b);
        await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length >= 15 && carriedInChannel(fakes, '100').length >= 15, 45_000);
        await waitFor(async () => (await fetch(`${bot.url}/readyz`)).status === 200, 'the bot ready again');
        expect(carriedIn(fakes, '-200')).toEqual(everyId);
        expect(carriedInChannel(fakes, '100')).toEqual(everyId);
      } finally {
        bot.child.kill('SIGKILL');
        await bot.exited;
      }
    }, 90_000);
  });
});
