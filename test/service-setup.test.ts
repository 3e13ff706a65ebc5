import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { startBotInProcess, stopLeftoverBots, type BotInProcess } from './helpers/launch.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const dirs: string[] = [];
const prefixes: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-service-setup-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await stopLeftoverBots();
  for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };
const WARN = 40;

function botEnv(dir: string) {
  const prefix = uniquePrefix('service-setup');
  prefixes.push(prefix);
  return { API_TOKEN: TEST_API_TOKEN, PORT: '0', REDIS_URL: TEST_REDIS_URL, OPSBOT_DATA_DIR: join(dir, 'data'), OPSBOT_QUEUE_PREFIX: prefix, OPSBOT_CONFIG: join(dir, 'opsbot.yaml') };
}

async function services(url: string): Promise<Array<{ name: string; state: string; enabled: boolean }>> {
  return ((await (await fetch(`${url}/api/v1/services`, { headers: auth })).json()) as { services: Array<{ name: string; state: string; enabled: boolean }> }).services;
}

const logged = (bot: BotInProcess, level: number, msg: string) => bot.lines.find((l) => l.level === level && l.msg === msg) as Record<string, unknown> | undefined;

describe('supervised services that cannot start or crash', () => {
  const dir = tempDir();
  let bot: BotInProcess;
  beforeAll(async () => {
    writeFileSync(
      join(dir, 'opsbot.yaml'),
      `services:
  - { name: lost, role: test, owner: me, command: ["sleep", "100"], cwd: ${JSON.stringify(join(dir, 'missing'))}, stopTimeout: 1s }
  - { name: typo, role: test, owner: me, command: ["no-such-program-opsbot"], stopTimeout: 1s }
  - { name: crashy, role: test, owner: me, command: ["sh", "-c", "exit 3"], backoff: { initial: 1s }, stopTimeout: 1s }
  - { name: fine, role: test, owner: me, command: ["sleep", "100"], stopTimeout: 1s }
`,
    );
    bot = await startBotInProcess(botEnv(dir));
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('starts the bot and the other services, and names a missing cwd or program in a warning and a WARN alert', async () => {
    const lost = `lost cannot start: its cwd ${join(dir, 'missing')} does not exist`;
    const typo = `typo cannot start: its program no-such-program-opsbot is on no directory of the PATH (${process.env.PATH})`;
    expect(logged(bot, WARN, lost)).toMatchObject({ service: 'lost' });
    expect(logged(bot, WARN, typo)).toMatchObject({ service: 'typo' });
    await waitUntil('fine running', async () => (await services(bot.url)).find((s) => s.name === 'fine')?.state === 'running');
    for (const [service, title] of [['lost', lost], ['typo', typo]] as const) {
      const alerts = await waitUntil(`the alert about ${service}`, async () => {
        const body = (await (await fetch(`${bot.url}/api/v1/alerts?service=${service}`, { headers: auth })).json()) as { alerts: Array<{ title: string; severity: string }> };
        return body.alerts.length > 0 ? body.alerts : undefined;
      });
      expect(alerts).toEqual([expect.objectContaining({ title, severity: 'WARN' })]);
    }
    expect((await services(bot.url)).find((s) => s.name === 'lost')).toMatchObject({ state: 'fatal', enabled: true });
  });

  it('logs a crash at warn with its exit code', async () => {
    const crash = await waitUntil('the crash logged', () => logged(bot, WARN, 'service crashed: exit code 3'));
    expect(crash).toMatchObject({ service: 'crashy', exitCode: 3, signal: null });
  });
});

describe('enabled: in the config file', () => {
  it('false keeps a service off at every start; true turns it back on unless someone switched it off for maintenance', async () => {
    const dir = tempDir();
    const env = botEnv(dir);
    const write = (enabled: boolean) =>
      writeFileSync(env.OPSBOT_CONFIG, `services:\n  - { name: sleeper, role: test, owner: me, enabled: ${enabled}, command: ["sleep", "100"], stopTimeout: 1s }\n`);
    const run = async (check: (bot: BotInProcess) => Promise<void>) => {
      const bot = await startBotInProcess(env);
      try {
        await check(bot);
      } finally {
        await bot.stop();
      }
    };

    write(false);
    await run(async (bot) => expect((await services(bot.url))[0]).toMatchObject({ name: 'sleeper', enabled: false, state: 'stopped' }));
    write(true);
    await run(async (bot) => {
      await waitUntil('sleeper running', async () => (await services(bot.url))[0]?.state === 'running');
      const off = await fetch(`${bot.url}/api/v1/services/sleeper/disable`, { method: 'POST', headers: auth });
      expect(off.status).toBe(200);
    });
    await run(async (bot) => expect((await services(bot.url))[0]).toMatchObject({ name: 'sleeper', enabled: false }));
  });
});
