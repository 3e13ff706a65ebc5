import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { startBotInProcess, stopLeftoverBots } from './helpers/launch.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { isPidAlive } from '../src/heal/process-group.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-orphan-'));
const prefix = uniquePrefix('orphan');
const shellDataDir = mkdtempSync(join(tmpdir(), 'opsbot-orphan-sh-'));
const shellPrefix = uniquePrefix('orphan-sh');
afterAll(async () => {
  killLeftoverBots();
  await stopLeftoverBots();
  await deleteKeysWithPrefix(prefix);
  await deleteKeysWithPrefix(shellPrefix);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(shellDataDir, { recursive: true, force: true });
});

/** The processes on this machine whose command line is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === wanted;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function servicePid(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/v1/services`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
  const body = (await response.json()) as { services: Array<{ name: string; pid: number | null; state: string }> };
  const service = body.services.find((s) => s.name === 'sleeper');
  return service?.state === 'running' && service.pid !== null ? service.pid : undefined;
}

describe('supervised services across an opsbot crash', () => {
  it('stops the copy a SIGKILLed opsbot left running before starting a new one', async () => {
    const configPath = join(dataDir, 'opsbot.yaml');
    writeFileSync(configPath, 'services:\n  - { name: sleeper, role: test, owner: me, command: ["sleep", "1000"], stopTimeout: 2s }\n');
    const env = { API_TOKEN: TEST_API_TOKEN, PORT: '0', REDIS_URL: TEST_REDIS_URL, OPSBOT_DATA_DIR: dataDir, OPSBOT_QUEUE_PREFIX: prefix, OPSBOT_CONFIG: configPath };
    const first = await spawnBot(env);
    const orphan = await waitUntil('the first copy running', () => servicePid(first.url));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isPidAlive(orphan)).toBe(true);

    const second = await startBotInProcess(env);
    let fresh = 0;
    try {
      fresh = await waitUntil('the new copy running', () => servicePid(second.url));
      expect(fresh).not.toBe(orphan);
      await waitUntil('the orphan gone', () => !isPidAlive(orphan), 5_000);
    } finally {
      await second.stop();
    }
    expect(isPidAlive(fresh)).toBe(false);
  });

  it('recognizes a service started through sh -c "…; exec …" by its process group: one instance runs after a SIGKILL and a restart', async () => {
    const seconds = String(100_000 + Math.floor(Math.random() * 100_000));
    const configPath = join(shellDataDir, 'opsbot.yaml');
    writeFileSync(configPath, `services:\n  - { name: sleeper, role: test, owner: me, command: ["sh", "-c", "echo starting; exec sleep ${seconds}"], stopTimeout: 2s }\n`);
    const env = { API_TOKEN: TEST_API_TOKEN, PORT: '0', REDIS_URL: TEST_REDIS_URL, OPSBOT_DATA_DIR: shellDataDir, OPSBOT_QUEUE_PREFIX: shellPrefix, OPSBOT_CONFIG: configPath };
    const first = await spawnBot(env);
    const orphan = await waitUntil('the first copy running its exec’d program', async () => {
      const pid = await servicePid(first.url);
      return pid !== undefined && processesRunning(['sleep', seconds]).includes(pid) ? pid : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isPidAlive(orphan)).toBe(true);

    const second = await startBotInProcess(env);
    try {
      const fresh = await waitUntil('the new copy running', () => servicePid(second.url));
      await waitUntil('the new copy running its exec’d program', () => processesRunning(['sleep', seconds]).includes(fresh));
      expect(processesRunning(['sleep', seconds])).toEqual([fresh]);
      expect(second.lines).toContainEqual(expect.objectContaining({ msg: 'stopped the copy left running by the previous opsbot', service: 'sleeper', pid: orphan }));
    } finally {
      await second.stop();
      for (const pid of processesRunning(['sleep', seconds])) process.kill(pid, 'SIGKILL');
    }
  });
});
