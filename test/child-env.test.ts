import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN, TEST_API_TOKEN } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { killLeftoverBots, spawnBot, type BotProcess } from './helpers/process.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-child-env-'));
const prefix = uniquePrefix('child-env');
const secrets = {
  API_TOKEN: TEST_API_TOKEN,
  DISCORD_TOKEN: DISCORD_TEST_TOKEN,
  TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN,
  TELEGRAM_WEBHOOK_SECRET: 'webhook-secret-never-passed-on',
  DASHBOARD_PASSWORD: 'dashboard-password-never-passed-on',
  REDIS_URL: TEST_REDIS_URL,
  /** Set before the bot starts: a throw-away database of the machine's PostgreSQL (trust authentication ignores the password). */
  DATABASE_URL: '',
};
let fakes: Fakes;
let bot: BotProcess;
let database: ThrowawayDatabase;

beforeAll(async () => {
  database = await createThrowawayDatabase('child_env');
  const url = new URL(database.url);
  url.password = 'db-password-never-passed-on';
  secrets.DATABASE_URL = url.toString();
  fakes = await startFakes();
  const configPath = join(dir, 'opsbot.yaml');
  writeFileSync(
    configPath,
    `services:
  - name: dumper
    role: test
    owner: me
    cwd: ${JSON.stringify(dir)}
    command: ["sh", "-c", "env > service.env; exec sleep 600"]
    env: { SERVICE_FLAG: from-the-config }
    stopTimeout: 2s
    probe: { command: ["sh", "-c", "env > probe.env"], interval: 200ms, timeout: 2s }
    actions:
      show-env: { command: ["env"], env: { ACTION_FLAG: from-the-action } }
`,
  );
  bot = await spawnBot({
    ...secrets,
    PORT: '0',
    OPSBOT_DATA_DIR: join(dir, 'data'),
    OPSBOT_QUEUE_PREFIX: prefix,
    OPSBOT_CONFIG: configPath,
    DISCORD_API_URL: fakes.discord.apiUrl,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
  });
});

afterAll(async () => {
  bot?.child.kill('SIGTERM');
  await bot?.exited;
  killLeftoverBots();
  await fakes?.close();
  await deleteKeysWithPrefix(prefix);
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function expectNoSecret(dump: string) {
  for (const [name, value] of Object.entries(secrets)) {
    expect(dump).not.toContain(`${name}=`);
    expect(dump).not.toContain(value);
  }
}

const dumped = (file: string) => {
  const path = join(dir, file);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  return text.includes('PATH=') ? text : undefined;
};

describe('the environment of the processes opsbot starts', () => {
  it('a supervised service gets its configured env and none of the bot’s secrets', async () => {
    const dump = await waitUntil('the service wrote its environment', () => dumped('service.env'));
    expect(dump).toContain('SERVICE_FLAG=from-the-config');
    expectNoSecret(dump);
  });

  it('a command probe gets the service’s env and none of the bot’s secrets', async () => {
    const dump = await waitUntil('the probe wrote its environment', () => dumped('probe.env'));
    expect(dump).toContain('SERVICE_FLAG=from-the-config');
    expectNoSecret(dump);
  });

  it('a heal command’s output (shown by the API, the dashboard and chat) holds no secret', async () => {
    const auth = { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' };
    const started = await fetch(`${bot.url}/api/v1/services/dumper/heal`, { method: 'POST', headers: auth, body: JSON.stringify({ action: 'show-env' }) });
    expect(started.status).toBe(202);
    const run = await waitUntil('the heal run recorded its output', async () => {
      const response = await fetch(`${bot.url}/api/v1/heal-runs?service=dumper`, { headers: auth });
      const body = (await response.json()) as { runs: Array<{ action: string; outputTail: string | null }> };
      return body.runs.find((r) => r.action === 'show-env' && r.outputTail);
    });
    expect(run.outputTail).toContain('SERVICE_FLAG=from-the-config');
    expect(run.outputTail).toContain('ACTION_FLAG=from-the-action');
    expectNoSecret(run.outputTail!);
  });
});
