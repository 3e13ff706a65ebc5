import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '../src/config/load.js';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-example-'));
const prefix = uniquePrefix('example');
afterAll(async () => {
  killLeftoverBots();
  await deleteKeysWithPrefix(prefix);
  rmSync(dataDir, { recursive: true, force: true });
});

/** The command lines of the processes whose parent is `pid`, but for the esbuild service tsx itself may start to compile the bot. */
function childrenOf(pid: number): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map((name) => readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim())
    .filter((cmdline) => !/\besbuild\b.* --service=/.test(cmdline));
}

describe('the shipped example config (cp opsbot.example.yaml opsbot.yaml && npm start)', () => {
  it('keeps every service that could run a command switched off until the user turns it on', () => {
    const config = parseConfigFile('opsbot.example.yaml');
    const runsSomething = config.services.filter((s) => s.command || s.probe?.command || Object.values(s.actions).some((a) => a.command) || s.heal.onUnhealthy);
    expect(runsSomething.map((s) => s.name).sort()).toEqual(['nginx', 'worker']);
    expect(config.services.map((s) => [s.name, s.enabled])).toEqual(config.services.map((s) => [s.name, false]));
    for (const trigger of config.triggers.filter((t) => t.heal)) {
      expect(config.services.find((s) => s.name === trigger.heal!.service)?.enabled).toBe(false);
    }
  });

  it('starts with no child process and every service disabled', async () => {
    const bot = await spawnBot({
      API_TOKEN: TEST_API_TOKEN,
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      OPSBOT_DATA_DIR: dataDir,
      OPSBOT_QUEUE_PREFIX: prefix,
      OPSBOT_CONFIG: resolve('opsbot.example.yaml'),
    });
    try {
      const response = await fetch(`${bot.url}/api/v1/services`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
      const { services } = (await response.json()) as { services: Array<{ name: string; enabled: boolean; pid: number | null }> };
      expect(services.map((s) => [s.name, s.enabled, s.pid]).sort()).toEqual([
        ['nginx', false, null],
        ['search', false, null],
        ['worker', false, null],
      ]);
      expect(childrenOf(bot.child.pid!)).toEqual([]);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  });
});
