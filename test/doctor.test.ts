import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fakes/discord.js';
import { FakeTelegram } from './fakes/telegram.js';
import { DISCORD_TEST_TOKEN, TELEGRAM_TEST_TOKEN } from './helpers/bot.js';
import { runCliWithEnv } from './helpers/cli.js';
import { TEST_REDIS_URL } from './helpers/redis.js';

const GUILD = '900000000000000001';
const [FINE, MUTED, HIDDEN] = ['100000000000000001', '100000000000000002', '100000000000000003'];
const SEND_MESSAGES = 1n << 11n;

interface Check {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

describe('opsbot doctor', () => {
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-doctor-'));
  beforeAll(async () => {
    discord = await FakeDiscord.start({ token: DISCORD_TEST_TOKEN, guilds: [{ id: GUILD, channels: [FINE, MUTED, HIDDEN] }] });
    telegram = await FakeTelegram.start({ token: TELEGRAM_TEST_TOKEN });
    discord.denyInChannel(MUTED, SEND_MESSAGES);
    discord.rejectChannel(HIDDEN, 403, 50001, 'Missing Access');
    telegram.rejectChat('-400', 403, 'Forbidden: bot was kicked from the group chat');
    telegram.setBotMembership('-300', 'restricted', { can_send_messages: false });
    telegram.setBotMembership('@opsnews', 'member');
  });
  afterAll(async () => {
    await Promise.all([discord?.close(), telegram?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const doctor = async (yaml: string, extra: Record<string, string> = {}) => {
    const config = join(dir, `opsbot-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(config, yaml);
    const env = {
      PATH: process.env.PATH ?? '',
      OPSBOT_CONFIG: config,
      OPSBOT_DATA_DIR: join(dir, 'data'),
      REDIS_URL: TEST_REDIS_URL,
      DISCORD_TOKEN: DISCORD_TEST_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ...extra,
    };
    const table = await runCliWithEnv(['doctor'], env);
    const json = await runCliWithEnv(['doctor', '--json'], env);
    return { table, code: json.code, checks: (JSON.parse(json.stdout) as { checks: Check[] }).checks };
  };
  const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.check, c]));

  it('a sound setup: every check ok, exit 0', async () => {
    const { table, code, checks } = await doctor(`
routes:
  - { name: all, match: {}, discord: ["${FINE}"], telegram: ["-200"] }
services:
  - { name: tick, role: test, owner: team, command: [${JSON.stringify(process.execPath)}, "-e", "1"] }
`);
    expect(code).toBe(0);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^check\s+result\s+detail\s+how to fix/);
    expect(table.stdout).toContain(`all ${checks.length} checks fine`);
    const found = byName(checks);
    expect(found.config).toMatchObject({ ok: true });
    expect(found.store).toMatchObject({ ok: true, detail: expect.stringContaining('SQLite in') });
    expect(found.redis).toMatchObject({ ok: true, detail: expect.stringMatching(/^Redis \S+ answers at redis:\/\/127\.0\.0\.1:6379/) });
    expect(found['discord token']).toMatchObject({ ok: true, detail: expect.stringContaining('signed in as opsbot') });
    expect(found[`discord channel ${FINE}`]).toMatchObject({ ok: true, detail: '#channel-1: the bot can post alerts here' });
    expect(found['telegram token']).toMatchObject({ ok: true });
    expect(found['telegram chat -200']).toMatchObject({ ok: true, detail: expect.stringContaining('(group): the bot is member and may post') });
    expect(found['service tick']).toMatchObject({ ok: true });
  });

  it('each destination the bot cannot post to, and a program that is missing, is a problem with how to fix it; exit 1', async () => {
    const { table, code, checks } = await doctor(`
routes:
  - { name: all, match: {}, discord: ["${FINE}", "${MUTED}", "${HIDDEN}"], telegram: ["-200", "-300", "-400", "@opsnews"] }
services:
  - { name: ghost, role: test, owner: team, command: ["opsbot-no-such-program"] }
`);
    expect(code).toBe(1);
    expect(table.code).toBe(1);
    const found = byName(checks);
    expect(found[`discord channel ${MUTED}`]).toMatchObject({ ok: false, detail: '#channel-2: the bot lacks Send Messages', fix: expect.stringContaining('Send Messages in #channel-2') });
    expect(found[`discord channel ${HIDDEN}`]).toMatchObject({ ok: false, detail: expect.stringContaining(`the bot cannot see channel ${HIDDEN}`) });
    expect(found['telegram chat -300']).toMatchObject({ ok: false, detail: expect.stringContaining('restricted and may not send messages') });
    expect(found['telegram chat -400']).toMatchObject({ ok: false, detail: expect.stringContaining('bot was kicked'), fix: expect.stringContaining('add the bot') });
    expect(found['telegram chat @opsnews']).toMatchObject({ ok: false, detail: expect.stringContaining('only an administrator with Post Messages may post') });
    expect(found['service ghost']).toMatchObject({ ok: false, detail: expect.stringContaining('opsbot-no-such-program') });
    expect(found[`discord channel ${FINE}`]!.ok && found['telegram chat -200']!.ok).toBe(true);
    expect(table.stdout).toContain(`${checks.filter((c) => !c.ok).length} of ${checks.length} checks found a problem`);
  });

  it('a wrong token, an unreachable Redis and a config typo each say so', async () => {
    const yaml = `routes:\n  - { name: all, match: {}, discord: ["${FINE}"], telegram: ["-200"] }\n`;
    const { code, checks } = await doctor(yaml, { DISCORD_TOKEN: 'not-the-token', REDIS_URL: 'redis+sentinel://127.0.0.1:1/opsbot' });
    expect(code).toBe(1);
    const found = byName(checks);
    expect(found['discord token']).toMatchObject({ ok: false, detail: 'Discord refused DISCORD_TOKEN (401)' });
    expect(found.redis).toMatchObject({ ok: false, detail: expect.stringContaining('no Redis answers at redis+sentinel://127.0.0.1:1/opsbot') });
    const typo = await doctor('routes:\n  - { name: all, match: {}, telegarm: ["-1"] }\n');
    expect(typo.code).toBe(1);
    expect(typo.checks).toEqual([expect.objectContaining({ check: 'config', ok: false, detail: expect.stringContaining('Unrecognized key: "telegarm"') })]);
  }, 30_000);
});
