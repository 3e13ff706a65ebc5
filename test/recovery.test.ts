import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_TEST_TOKEN, startTestBot, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { carriedIds } from './helpers/carried-ids.js';
import { freePort } from './helpers/net.js';
import { startBotInProcess, stopLeftoverBots } from './helpers/launch.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - name: all
    match: {}
    discord: ["100"]
    telegram: ["-200"]
delivery:
  backoffMs: 60000
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

/** The state of each alert's Discord delivery, as the running bot reports it. */
async function discordStates(url: string, ids: number[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      const response = await fetch(`${url}/api/v1/alerts/${id}`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
      const detail = (await response.json()) as { deliveries: Array<{ platform: string; state: string }> };
      return detail.deliveries.find((d) => d.platform === 'discord')?.state ?? 'missing';
    }),
  );
}

const alerts = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ severity: 'CRIT', title: `${tag} ${i}`, service: 'db' }));

/** The pid of the redis-server answering at `url` (from INFO). */
async function redisPid(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await redis.info('server');
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    redis.disconnect();
  }
}

const titled = (texts: string[], tag: string) => texts.filter((t) => t.includes(tag)).length;
/** Alert ids the Telegram chat received, each in its own message or (having waited for a retry with others) in a storm summary. */
const carriedIn = (fakes: Fakes, chat: string) =>
  fakes.telegram
    .inChat(chat)
    .flatMap((m) => carriedIds(m.text).ids)
    .sort((a, b) => a - b);
const idsOf = (response: { body: { alerts: Array<{ id: number }> } }) => response.body.alerts.map((a) => a.id);

describe('nothing lost', () => {
  let fakes: Fakes;
  const dirs: string[] = [];
  const prefixes: string[] = [];
  beforeAll(async () => {
    fakes = await startFakes();
  });
  afterAll(async () => {
    killLeftoverBots();
    await stopLeftoverBots();
    await fakes.close();
    for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const startWithFakes = (where: { dataDir: string; prefix: string }, env: Record<string, string> = {}) =>
    startTestBot({ yaml: YAML, ...where, env, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });

  const fresh = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-recovery-'));
    const prefix = uniquePrefix('recovery');
    dirs.push(dataDir);
    prefixes.push(prefix);
    return { dataDir, prefix };
  };

  /** A bot on fresh storage whose ten alerts reached Discord while Telegram answered 502 to each: ten Telegram posts wait for a retry. */
  const tenWaitingForTelegram = async (tag: string) => {
    fakes.discord.reset();
    fakes.telegram.reset();
    const where = fresh();
    fakes.telegram.script('sendMessage', { kind: '5xx' }, 10);
    const bot = await startWithFakes(where);
    const res = await bot.post('/api/v1/alerts', alerts(10, tag));
    expect(res.status).toBe(202);
    await fakes.discord.waitFor(() => fakes.discord.inChannel('100').length === 10);
    await fakes.telegram.waitFor(() => fakes.telegram.calls.filter((c) => c.status === 502).length === 10);
    return { ...where, bot, res };
  };

  it('SIGKILL with deliveries in flight: after a restart every alert arrives once, within 15 s', async () => {
    fakes.discord.reset();
    fakes.telegram.reset();
    const { dataDir, prefix } = fresh();
    const { writeFileSync } = await import('node:fs');
    const configPath = join(dataDir, 'opsbot.yaml');
    writeFileSync(configPath, YAML);
    const env = {
      API_TOKEN: TEST_API_TOKEN,
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      OPSBOT_DATA_DIR: dataDir,
      OPSBOT_QUEUE_PREFIX: prefix,
      OPSBOT_CONFIG: configPath,
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      DISCORD_API_URL: fakes.discord.apiUrl,
      TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN,
      TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    };
    fakes.telegram.script('sendMessage', { kind: 'hang' }, 1_000);
    const first = await spawnBot(env);
    const res = await fetch(`${first.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(alerts(20, 'in flight')),
    });
    expect(res.status).toBe(202);
    const accepted = ((await res.json()) as { alerts: Array<{ id: number }> }).alerts.map((a) => a.id);
    await fakes.discord.waitFor(() => fakes.discord.inChannel('100').length === 20);
    // As many Telegram posts hang in flight as its worker holds (delivery.concurrency); the rest wait in the queue.
    await fakes.telegram.waitFor(() => fakes.telegram.calls.filter((c) => c.method === 'sendMessage').length >= 10);
    await waitUntil('every Discord delivery stored as sent', async () => (await discordStates(first.url, accepted)).every((state) => state === 'sent'), 5_000);
    first.child.kill('SIGKILL');
    await first.exited;

    fakes.telegram.reset();
    const restartedAt = Date.now();
    const second = await startBotInProcess(env);
    try {
      // Each alert arrives in its own message, or — having waited more than 3 s — in a storm summary.
      const carried = () => fakes.telegram.inChat('-200').flatMap((m) => carriedIds(m.text).ids);
      await fakes.telegram.waitFor(() => new Set(carried()).size >= 20, 15_000);
      const resumedAfterMs = Date.now() - restartedAt;
      expect(resumedAfterMs).toBeLessThan(15_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(carried().sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
      expect(fakes.discord.inChannel('100')).toHaveLength(20);
    } finally {
      await second.stop();
    }
  });

  it('Redis emptied between two runs: the reconciler re-plans every unfinished delivery', async () => {
    const { dataDir, prefix, bot: first } = await tenWaitingForTelegram('kept');
    await first.stop();
    expect(await deleteKeysWithPrefix(prefix)).toBeGreaterThan(0);

    fakes.telegram.reset();
    const second = await startWithFakes({ dataDir, prefix });
    try {
      await fakes.telegram.waitFor(() => fakes.telegram.inChat('-200').length === 10, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fakes.telegram.inChat('-200')).toHaveLength(10);
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
      expect((await cycles.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['ops-cycle-0900', 'ops-cycle-2100']);
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
      expect(detail.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['sent', 'sent']);
      const cycles = new Queue('ops-cycle', { connection: { url: redisUrl }, prefix: bot.prefix });
      try {
        expect((await cycles.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['ops-cycle-0900', 'ops-cycle-2100']);
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
