import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBot } from './helpers/bot.js';
import type { Fakes } from './helpers/fakes.js';
import { freePort } from './helpers/net.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from './helpers/redis.js';
import { alerts, carriedIn, cycleSchedulersBack, idsOf, redisPid, titled, useRecoveryWorld } from './helpers/recovery-world.js';

describe('nothing lost when Redis loses its keys', () => {
  const world = useRecoveryWorld();
  let fakes: Fakes;
  beforeAll(() => {
    fakes = world.fakes;
  });
  const { startWithFakes, fresh, tenWaitingForTelegram } = world;

  it('Redis emptied between two runs: the reconciler re-plans every unfinished delivery', async () => {
    const { dataDir, prefix, bot: first, res } = await tenWaitingForTelegram('kept');
    await first.stop();
    expect(await deleteKeysWithPrefix(prefix)).toBeGreaterThan(0);

    fakes.telegram.reset();
    const second = await startWithFakes({ dataDir, prefix });
    try {
      // Each alert alone, or all in a storm summary when the restart took longer than they may wait.
      await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length >= 10, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(carriedIn(fakes, '-200')).toEqual(idsOf(res));
      expect(fakes.discord.inChannel('100')).toHaveLength(10);
    } finally {
      await second.stop();
    }
  });

  it('Redis emptied while the bot runs: its schedules come back and every unfinished delivery goes out', async () => {
    const { prefix, bot, res } = await tenWaitingForTelegram('flushed');
    const cycles = new Queue('ops-cycle', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      expect(await deleteKeysWithPrefix(prefix)).toBeGreaterThan(0);
      fakes.telegram.reset();

      await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length >= 10, 15_000);
      expect(await cycleSchedulersBack(cycles)).toEqual(['ops-cycle-0900', 'ops-cycle-2100']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(carriedIn(fakes, '-200')).toEqual(idsOf(res));
      expect(fakes.discord.inChannel('100')).toHaveLength(10);
    } finally {
      await cycles.close();
      await bot.stop();
    }
  });

  describe('the Redis under a running bot goes away', () => {
    let bot: TestBot;
    let redisUrl: string;
    beforeAll(async () => {
      fakes.discord.reset();
      fakes.telegram.reset();
      redisUrl = `redis://127.0.0.1:${await freePort()}`;
      bot = await startWithFakes(fresh(), { REDIS_URL: redisUrl });
    });
    afterAll(() => bot?.stop());

    it('its private redis-server is killed: it comes back empty, and every alert waiting or accepted meanwhile arrives once', async () => {
      const discordTexts = () => fakes.discord.inChannel('100').map((m) => m.embeds[0]?.title ?? '');
      const before = await bot.post('/api/v1/alerts', alerts(5, 'before'));
      expect(before.status).toBe(202);
      await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length === 5 && titled(discordTexts(), 'before') === 5);
      fakes.telegram.script('sendMessage', { kind: '5xx' }, 5);
      const retried = await bot.post('/api/v1/alerts', alerts(5, 'retried'));
      expect(retried.status).toBe(202);
      await fakes.telegram.waitFor(() => fakes.telegram.calls.filter((c) => c.status === 502).length === 5);

      const pid = await redisPid(redisUrl);
      process.kill(pid, 'SIGKILL');
      const during = await bot.post('/api/v1/alerts', alerts(5, 'during'));
      expect(during.status).toBe(202);
      expect(during.body.accepted).toBe(5);

      const everyId = [...idsOf(before), ...idsOf(retried), ...idsOf(during)];
      await fakes.telegram.waitFor(() => carriedIn(fakes, '-200').length >= 15 && titled(discordTexts(), 'during') === 5, 20_000);
      expect(await redisPid(redisUrl)).not.toBe(pid);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(carriedIn(fakes, '-200')).toEqual(everyId);
      for (const tag of ['before', 'retried', 'during']) expect(titled(discordTexts(), tag)).toBe(5);
      const detail = await bot.get(`/api/v1/alerts/${during.body.alerts[0].id}`);
      // Posted on its own, or in a storm summary when it waited for Redis longer than alerts may wait (a loaded machine).
      for (const { state } of detail.body.deliveries as Array<{ state: string }>) expect(['sent', 'summarized']).toContain(state);
      const cycles = new Queue('ops-cycle', { connection: { url: redisUrl }, prefix: bot.prefix });
      try {
        expect(await cycleSchedulersBack(cycles)).toEqual(['ops-cycle-0900', 'ops-cycle-2100']);
      } finally {
        await cycles.close();
      }
    });

    it('its redis-server hangs (accepts connections, answers nothing): /readyz says so within a second or two, intake still answers 202', async () => {
      const pid = await redisPid(redisUrl);
      process.kill(pid, 'SIGSTOP');
      try {
        const started = Date.now();
        const ready = await bot.get('/readyz', null);
        expect(ready.status).toBe(503);
        expect(ready.body).toEqual({ ok: false, error: 'Redis: no answer within 1000 ms' });
        expect(Date.now() - started).toBeLessThan(3_000);
        const accepted = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'while redis hangs', service: 'db' });
        expect(accepted.status).toBe(202);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await fakes.telegram.waitFor(() => titled(fakes.telegram.inChat('-200').map((m) => m.text), 'while redis hangs') === 1, 15_000);
      expect((await bot.get('/readyz', null)).body).toEqual({ ok: true });
    });
  });
});
