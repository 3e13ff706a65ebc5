import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_TEST_TOKEN, startTestBot } from './helpers/bot.js';
import { runCliWithEnv } from './helpers/cli.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { deleteKeysWithPrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';
import { ALL_COMMANDS } from '../commands/index.js';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(async () => {
  await fakes?.close();
});

const commandPuts = () => fakes.discord.calls.filter((c) => c.method === 'PUT' && c.path.includes('/commands'));

describe('Discord slash command registration', () => {
  it('registers at start-up only when the definitions changed', async () => {
    fakes.discord.reset();
    const first = await startTestBot({ discordApiUrl: fakes.discord.apiUrl });
    await first.destroy();
    expect(commandPuts()).toHaveLength(1);
    expect(fakes.discord.commands.global).toHaveLength(ALL_COMMANDS.length);

    const second = await startTestBot({ discordApiUrl: fakes.discord.apiUrl });
    await second.destroy();
    expect(commandPuts()).toHaveLength(1);
    expect(fakes.discord.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/commands'))).toHaveLength(2);
  });

  it('registers in one guild when DISCORD_GUILD_ID is set', async () => {
    fakes.discord.reset();
    const bot = await startTestBot({ discordApiUrl: fakes.discord.apiUrl, env: { DISCORD_GUILD_ID: '123456789012345678' } });
    await bot.destroy();
    expect(commandPuts().map((c) => c.path)).toEqual([`/applications/${fakes.discord.applicationId}/guilds/123456789012345678/commands`]);
  });

  it('opsbot deploy-commands registers them without starting the bot, and says when nothing changed', async () => {
    fakes.discord.reset();
    const env = { PATH: process.env.PATH ?? '', DISCORD_TOKEN: DISCORD_TEST_TOKEN, DISCORD_API_URL: fakes.discord.apiUrl, DISCORD_GUILD_ID: '42' };
    const cli = () => runCliWithEnv(['deploy-commands'], env);
    expect((await cli()).stdout).toBe(`registered ${ALL_COMMANDS.length} slash commands (guild 42)\n`);
    expect((await cli()).stdout).toBe(`${ALL_COMMANDS.length} slash commands already up to date (guild 42); nothing sent\n`);
    const missing = await runCliWithEnv(['deploy-commands'], { PATH: env.PATH });
    expect(missing).toMatchObject({ code: 2, stderr: 'opsbot: DISCORD_TOKEN is not set: deploy-commands needs the bot token\n' });
  });
});

describe('Telegram webhook mode', () => {
  it('sets the webhook with a secret token and only takes updates that carry it', async () => {
    fakes.telegram.reset();
    const bot = await startTestBot({
      telegramApiRoot: fakes.telegram.apiRoot,
      yaml: 'defaultRoute: { telegram: ["-200"] }',
      env: { TELEGRAM_WEBHOOK_URL: 'https://ops.example.com/telegram/hook', TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1-abcdefgh' },
    });
    try {
      const setWebhook = fakes.telegram.calls.find((c) => c.method === 'setWebhook');
      expect(setWebhook?.payload).toMatchObject({ url: 'https://ops.example.com/telegram/hook', secret_token: 'hook-secret_1-abcdefgh' });
      expect(fakes.telegram.calls.some((c) => c.method === 'getUpdates')).toBe(false);

      const update = {
        update_id: 1,
        message: { message_id: 5, date: 1, chat: { id: -200, type: 'group', title: 'ops' }, from: { id: 1001, is_bot: false, first_name: 'Alice' }, text: '/subscriptions' },
      };
      const send = (secret?: string) =>
        fetch(`${bot.url}/telegram/hook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
          body: JSON.stringify(update),
        });
      expect((await send()).status).toBe(401);
      expect((await send('wrong')).status).toBe(401);
      expect(fakes.telegram.inChat('-200')).toHaveLength(0);
      expect((await send('hook-secret_1-abcdefgh')).status).toBe(200);
      await waitUntil('the reply to the webhook update', () => fakes.telegram.inChat('-200').find((m) => m.text.includes('no subscription')));
    } finally {
      await bot.destroy();
    }
  });
});

describe('escalation survives restarts', () => {
  it('re-plans pending steps from SQLite after a restart that lost the Redis keys', async () => {
    fakes.discord.reset();
    const yaml = `
defaultRoute: { discord: ["100"] }
escalation:
  policies: { quick: { levels: [{ level: 1, after: 2s }] } }
  bySeverity: { CRIT: quick }
`;
    const first = await startTestBot({ yaml, discordApiUrl: fakes.discord.apiUrl });
    const res = await first.post('/api/v1/alerts', { severity: 'CRIT', title: 'replica lag' });
    const id = res.body.alerts[0].id as number;
    await first.stop();
    await deleteKeysWithPrefix(first.prefix);

    const second = await startTestBot({ yaml, discordApiUrl: fakes.discord.apiUrl, dataDir: first.dataDir, prefix: first.prefix });
    try {
      await waitUntil('the L1 notice after the restart', () =>
        fakes.discord.inChannel('100').find((m) => m.content.includes(`alert #${id} has not been acknowledged`)),
      );
      const detail = await second.get(`/api/v1/alerts/${id}`);
      expect(detail.body.escalation).toMatchObject([{ level: 1, state: 'done' }]);
    } finally {
      await second.destroy();
    }
  });
});

describe('Discord interactions that take longer than the deferral threshold', () => {
  it('defers at once and edits the answer in, privately when the answer is private', async () => {
    fakes.discord.reset();
    const bot = await startTestBot({ discordApiUrl: fakes.discord.apiUrl, env: { DISCORD_DEFER_AFTER_MS: '0' }, yaml: 'defaultRoute: { discord: ["100"] }' });
    try {
      await waitUntil('the Discord gateway session', () => fakes.discord.gatewaySessions === 1);
      const interaction = await fakes.discord.sendInteraction({
        type: 2,
        data: { id: '300000000000000001', name: 'ack', type: 1, options: [{ name: 'alert', type: 3, value: '77' }] },
        guild_id: '900000000000000001',
        channel_id: '100',
        member: { user: { id: '502', username: 'viewer' }, roles: [] },
      });
      const responses = await waitUntil('the deferral and the edited answer', () => {
        const mine = fakes.discord.interactionResponses.filter((r) => r.interactionId === interaction.id);
        return mine.length === 2 ? mine : undefined;
      });
      expect(responses[0]).toMatchObject({ kind: 'callback', body: { type: 5, data: { flags: 64 } } });
      expect(responses[1]).toMatchObject({ kind: 'edit-original', body: { content: '/ack needs the responder role; you have viewer. Ask an opsbot admin to grant it.' } });
    } finally {
      await bot.destroy();
    }
  });
});
