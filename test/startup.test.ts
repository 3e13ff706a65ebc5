import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../src/redis/probe.js';
import { launchInProcess } from './helpers/launch.js';
import { freePort } from './helpers/net.js';
import { killLeftoverBots, runBotExpectingExit, spawnBot } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

const dirs: string[] = [];
const prefixes: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-startup-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  killLeftoverBots();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
});

const baseEnv = () => {
  const prefix = uniquePrefix('startup');
  prefixes.push(prefix);
  return { PORT: '0', REDIS_URL: TEST_REDIS_URL, OPSBOT_DATA_DIR: tempDir(), OPSBOT_QUEUE_PREFIX: prefix };
};

/** Runs `start` with the process's PATH set to `path` (where the bot looks for redis-server). */
async function withPath<T>(path: string, start: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await start();
  } finally {
    process.env.PATH = saved;
  }
}

describe('start-up', () => {
  it('runs with no chat tokens, says in one line which channels are off, and stops cleanly on SIGTERM', async () => {
    const bot = await spawnBot(baseEnv());
    const channels = bot.lines.filter((l) => typeof l === 'object' && l.msg === 'channels');
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ discord: expect.stringMatching(/^off/), telegram: expect.stringMatching(/^off/) });
    const res = await fetch(`${bot.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ severity: 'CRIT', title: 'kept while no platform is on' }),
    });
    expect(res.status).toBe(202);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.lines.some((l) => typeof l === 'object' && l.msg === 'stopped')).toBe(true);
  });

  it('refuses to expose the API beyond loopback without API_TOKEN', async () => {
    const { code, output } = await runBotExpectingExit({ ...baseEnv(), HOST: '0.0.0.0' });
    expect(code).toBe(2);
    expect(output).toMatch(/API_TOKEN is not set and HOST=0\.0\.0\.0 is not loopback/);
  });

  it('stops on a config typo, naming the key and the file', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'opsbot.yaml');
    writeFileSync(configPath, 'routes:\n  - name: a\n    telegarm: ["1"]\n');
    const { code, output } = await launchInProcess({ ...baseEnv(), OPSBOT_CONFIG: configPath });
    expect(code).toBe(2);
    expect(output).toContain(`invalid config in ${configPath}`);
    expect(output).toMatch(/routes\[0\]: Unrecognized key: "telegarm"/);
  });

  it('starts and supervises its own redis-server when none answers', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const { bot, lines, output } = await launchInProcess({ ...baseEnv(), REDIS_URL: url });
    if (!bot) throw new Error(`bot did not start:\n${output}`);
    try {
      expect(await redisAnswers(url)).toBe(true);
      const ready = await fetch(`${bot.url}/readyz`);
      expect(await ready.json()).toEqual({ ok: true });
      expect(lines.some((l) => typeof l === 'object' && /private redis-server/.test(String(l.msg)))).toBe(true);
    } finally {
      await bot.stop();
    }
    expect(await redisAnswers(url)).toBe(false);
  });

  it('says how to get a Redis when none answers and redis-server is not installed', async () => {
    const port = await freePort();
    const { code, output } = await withPath(tempDir(), () => launchInProcess({ ...baseEnv(), REDIS_URL: `redis://127.0.0.1:${port}` }));
    expect(code).toBe(2);
    expect(output).toMatch(/no Redis answers at 127\.0\.0\.1:\d+/);
    expect(output).toMatch(/apt-get install -y redis-server/);
    expect(output).toMatch(/REDIS_URL/);
  });

  it('exits 1 with one line naming the address when its port is already taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, output } = await launchInProcess({ ...baseEnv(), PORT: String(port) });
      expect(code).toBe(1);
      const lines = output.split('\n').filter((line) => line.startsWith('opsbot: '));
      expect(lines).toEqual([`opsbot: cannot listen on 127.0.0.1:${port}: address already in use (PORT)`]);
      expect(output).not.toMatch(/unhandled rejection/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits 1 naming OPSBOT_DATA_DIR when the data directory cannot be made', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, '');
    const { code, output } = await launchInProcess({ ...baseEnv(), OPSBOT_DATA_DIR: join(file, 'data') });
    expect(code).toBe(1);
    expect(output).toContain(`opsbot: cannot use the data directory ${join(file, 'data')}: a path component is not a directory`);
    expect(output).toContain('(OPSBOT_DATA_DIR)');
  });
});
