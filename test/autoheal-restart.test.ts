import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { killLeftoverBots, spawnBot } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { isPidAlive } from '../src/heal/process-group.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsbot-orphan-'));
const prefix = uniquePrefix('orphan');
afterAll(async () => {
  killLeftoverBots();
  await deleteKeysWithPrefix(prefix);
  rmSync(dataDir, { recursive: true, force: true });
});

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

    const second = await spawnBot(env);
    let fresh = 0;
    try {
      fresh = await waitUntil('the new copy running', () => servicePid(second.url));
      expect(fresh).not.toBe(orphan);
      await waitUntil('the orphan gone', () => !isPidAlive(orphan), 5_000);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(isPidAlive(fresh)).toBe(false);
  });
});
