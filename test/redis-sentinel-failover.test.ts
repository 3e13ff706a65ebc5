import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from './helpers/redis.js';
import { carriedIds } from './helpers/carried-ids.js';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { alerts, carriedIn, idsOf, YAML } from './helpers/recovery-world.js';
import { sentinelAsk, waitFor } from './helpers/sentinel.js';
import { startPair, stopPairsAfterEach } from './helpers/sentinel-pair.js';

stopPairsAfterEach();

/** Alert ids the Discord channel received, each in its own message or in a storm summary. */
function carriedInChannel(fakes: Fakes, channel: string): number[] {
  return fakes.discord
    .inChannel(channel)
    .flatMap((m) => m.embeds.flatMap((e) => carriedIds([e.title, e.description, e.footer?.text].join('\n')).ids))
    .sort((a, b) => a - b);
}

describe('the master behind the sentinel fails over', () => {
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
