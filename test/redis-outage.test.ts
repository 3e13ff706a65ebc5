import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

describe('the Redis under a running bot goes away', () => {
  let fakes: Fakes;
  let bot: TestBot;
  let redisUrl: string;
  beforeAll(async () => {
    fakes = await startFakes();
    redisUrl = `redis://127.0.0.1:${await freePort()}`;
    bot = await startTestBot({ yaml: YAML, env: { REDIS_URL: redisUrl }, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
  });
  afterAll(async () => {
    await bot?.destroy();
    await fakes?.close();
  });

  it('its private redis-server is killed: it comes back empty, and every alert waiting or accepted meanwhile arrives once', async () => {
    const discordTexts = () => fakes.discord.inChannel('100').map((m) => m.embeds[0]?.title ?? '');
    const telegramTexts = () => fakes.telegram.inChat('-200').map((m) => m.text);
    const alerts = (tag: string) => Array.from({ length: 5 }, (_, i) => ({ severity: 'CRIT', title: `${tag} ${i}`, service: 'db' }));
    const arrived = (tag: string) => titled(telegramTexts(), tag) === 5 && titled(discordTexts(), tag) === 5;

    expect((await bot.post('/api/v1/alerts', alerts('before'))).status).toBe(202);
    await fakes.telegram.waitFor(() => arrived('before'));
    fakes.telegram.script('sendMessage', { kind: '5xx' }, 5);
    expect((await bot.post('/api/v1/alerts', alerts('retried'))).status).toBe(202);
    await fakes.telegram.waitFor(() => fakes.telegram.calls.filter((c) => c.status === 502).length === 5);

    const pid = await redisPid(redisUrl);
    process.kill(pid, 'SIGKILL');
    const during = await bot.post('/api/v1/alerts', alerts('during'));
    expect(during.status).toBe(202);
    expect(during.body.accepted).toBe(5);

    await fakes.telegram.waitFor(() => arrived('retried') && arrived('during'), 20_000);
    expect(await redisPid(redisUrl)).not.toBe(pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const tag of ['before', 'retried', 'during']) {
      expect(titled(telegramTexts(), tag)).toBe(5);
      expect(titled(discordTexts(), tag)).toBe(5);
    }
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
