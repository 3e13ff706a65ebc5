import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN } from './helpers/bot.js';
import type { Fakes } from './helpers/fakes.js';
import { carriedIds } from './helpers/carried-ids.js';
import { startBotInProcess } from './helpers/launch.js';
import { spawnBot } from './helpers/process.js';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { alerts, discordStates, useRecoveryWorld, YAML } from './helpers/recovery-world.js';

describe('nothing lost', () => {
  const world = useRecoveryWorld();
  let fakes: Fakes;
  beforeAll(() => {
    fakes = world.fakes;
  });
  const { fresh } = world;

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
});
