import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS } from '../commands/index.js';
import { CHANNEL, GROUP, RESPONDER_DC, VIEWER_DC, RESPONDER_TG, VIEWER_TG, useChatWorld } from './helpers/chat-world.js';
import { waitUntil } from './helpers/wait.js';

const world = useChatWorld();
const { postAlert, discordMessageOf, telegramMessageOf, postedEverywhere, slashCommand, discordAnswer, telegramCommand } = world;

describe('chat commands on both platforms', () => {
  it('registers the same commands on Discord and Telegram', () => {
    const names = ALL_COMMANDS.map((c) => c.name).sort();
    expect(world.fakes.discord.commands.global.map((c) => c.name).sort()).toEqual(names);
    expect(world.fakes.telegram.commandsFor().map((c) => c.command).sort()).toEqual(names);
  });

  it('/ack from Discord edits the alert on both platforms and is audited', async () => {
    const id = await postAlert({ title: 'db down', service: 'db' });
    await postedEverywhere(id);
    const interaction = await slashCommand('ack', { alert: String(id) }, RESPONDER_DC);
    const answer = await discordAnswer(interaction.id);
    expect(answer.content).toContain(`Alert #${id} acknowledged by user${RESPONDER_DC}`);
    await waitUntil('Discord message shows the ack', () =>
      discordMessageOf(id)?.embeds[0]?.fields?.some((f: { name: string; value: string }) => f.name === 'Acked by' && f.value.includes(`user${RESPONDER_DC}`)),
    );
    await waitUntil('Telegram message shows the ack', () => telegramMessageOf(id)?.text.includes(`Acked by user${RESPONDER_DC}`));
    const buttons = (telegramMessageOf(id)?.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard;
    expect(buttons.flat().map((b) => b.callback_data)).toEqual([`resolve:${id}`]);

    const audit = await world.bot.get('/api/v1/audit?command=ack');
    expect(audit.body.entries[0]).toMatchObject({ platform: 'discord', userId: RESPONDER_DC, via: 'command', result: 'ok', args: { alert: String(id) } });
  });

  it('a Discord button press resolves the alert everywhere', async () => {
    const id = await postAlert({ title: 'disk full', service: 'db' });
    const { discord } = await postedEverywhere(id);
    expect(discord.components[0].components.map((c: { custom_id: string }) => c.custom_id)).toEqual([`ack:${id}`, `resolve:${id}`]);
    const press = await world.fakes.discord.sendInteraction({
      type: 3,
      data: { custom_id: `resolve:${id}`, component_type: 2 },
      guild_id: '900000000000000001',
      channel_id: CHANNEL,
      message: discord.id,
      member: { user: { id: RESPONDER_DC, username: `user${RESPONDER_DC}` }, roles: [] },
    });
    expect((await discordAnswer(press.id)).content).toContain(`Alert #${id} resolved`);
    await waitUntil('Telegram message shows the resolution', () => telegramMessageOf(id)?.text.includes('RESOLVED'));
    await waitUntil('Discord message lost its buttons', () => discordMessageOf(id)?.components.length === 0);
    const audit = await world.bot.get('/api/v1/audit?command=resolve');
    expect(audit.body.entries[0]).toMatchObject({ platform: 'discord', via: 'button', result: 'ok' });
  });

  it('/ack sent in Telegram and an inline button press edit the messages on Discord too', async () => {
    const first = await postAlert({ title: 'queue stuck', service: 'mq' });
    await postedEverywhere(first);
    expect(await telegramCommand(`/ack@opsbot_test_bot ${first}`)).toContain(`Alert #${first} acknowledged by @alice`);
    const before = world.fakes.telegram.inChat(GROUP).length;
    world.fakes.telegram.pushText(GROUP, `/ack@some_other_bot ${first}`, RESPONDER_TG);
    expect(await telegramCommand('/subscriptions')).toContain('no subscription');
    expect(world.fakes.telegram.inChat(GROUP).slice(before).filter((m) => m.text.includes('acknowledged'))).toHaveLength(0);
    await waitUntil('Discord shows the Telegram ack', () =>
      discordMessageOf(first)?.embeds[0]?.fields?.some((f: { name: string; value: string }) => f.value.includes('@alice')),
    );

    const second = await postAlert({ title: 'cache cold', service: 'cache' });
    const { telegram } = await postedEverywhere(second);
    const answersBefore = world.fakes.telegram.callbackAnswers.length;
    world.fakes.telegram.pushCallback(telegram, `ack:${second}`, RESPONDER_TG);
    const answer = await waitUntil('the callback answer', () => world.fakes.telegram.callbackAnswers[answersBefore]);
    expect(answer.text).toContain(`Alert #${second} acknowledged by @alice`);
    await waitUntil('Discord shows the button ack', () =>
      discordMessageOf(second)?.embeds[0]?.fields?.some((f: { name: string; value: string }) => f.value.includes('@alice')),
    );
    await waitUntil('Telegram shows the button ack', () => telegramMessageOf(second)?.text.includes('Acked by @alice'));
  });

  it('runs the same handler on both platforms: the same command gives the same answer', async () => {
    const interaction = await slashCommand('subscriptions', {}, VIEWER_DC);
    const fromDiscord = (await discordAnswer(interaction.id)).content;
    const fromTelegram = await telegramCommand('/subscriptions', VIEWER_TG);
    expect(fromDiscord).toContain('This chat has no subscription');
    expect(fromTelegram).toBe(fromDiscord);
  });

  it('refuses a user without the role, privately, and audits the refusal', async () => {
    const id = await postAlert({ title: 'api slow', service: 'api' });
    await postedEverywhere(id);
    const interaction = await slashCommand('ack', { alert: String(id) }, VIEWER_DC);
    const answer = await discordAnswer(interaction.id);
    expect(answer).toEqual({ content: '/ack needs the responder role; you have viewer. Ask an opsbot admin to grant it.', ephemeral: true });
    expect(await telegramCommand(`/ack ${id}`, VIEWER_TG)).toContain('/ack needs the responder role; you have viewer');
    const stranger = await world.fakes.discord.sendInteraction({
      type: 2,
      data: { id: '300000000000000001', name: 'status', type: 1 },
      channel_id: '999',
      user: { id: '600', username: 'stranger' },
    });
    expect((await discordAnswer(stranger.id)).content).toContain('/status needs the viewer role; you have no role here');

    const detail = await world.bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.ackedAt).toBeNull();
    const refused = await world.bot.get('/api/v1/audit?result=refused');
    expect(refused.body.entries.map((e: { platform: string; userId: string }) => `${e.platform}:${e.userId}`)).toEqual(
      expect.arrayContaining([`discord:${VIEWER_DC}`, `telegram:${VIEWER_TG.id}`, 'discord:600']),
    );
  });

  it('answers bad arguments with what is wrong, not a stack trace', async () => {
    const unknown = await slashCommand('ack', { alert: '99999' }, RESPONDER_DC);
    expect((await discordAnswer(unknown.id)).content).toBe('No alert #99999. /status lists the firing ones.');
    expect(await telegramCommand('/ack banana')).toContain('<alert>: alert "banana" must be an alert number like 42 or #42');
    expect(await telegramCommand('/silence service=db 5x')).toContain('duration "5x" is not like 30m, 2h, 1h30m or 1d');
    expect(await telegramCommand('/silence service 1h')).toContain('"service" is not a matcher');
    expect(await telegramCommand('/silence env=~( 1h')).toContain('is not a valid regular expression');
    expect(await telegramCommand('/ack')).toContain('/ack needs <alert>');
    expect(await telegramCommand('/ack 1 2')).toContain('/ack did not expect "2"');
    const invalid = await world.bot.get('/api/v1/audit?result=invalid');
    expect(invalid.body.entries.length).toBeGreaterThanOrEqual(6);
  });

  it('/help lists only what the user may run', async () => {
    const text = await telegramCommand('/help', VIEWER_TG);
    expect(text).toContain('You are viewer here');
    expect(text).toContain('/status [service]');
    expect(text).not.toContain('/ack <alert>');
    expect(text).toMatch(/\d+ more commands need a higher role/);
  });

  it('/heal and /restart say plainly that no such service exists, and need operator', async () => {
    expect(await telegramCommand('/restart api')).toContain('/restart needs the operator role; you have responder');
  });

  it('/status shows firing alerts, escalations and delivery health in one message', async () => {
    const id = await postAlert({ title: 'payments failing', service: 'payments' });
    await postedEverywhere(id);
    const text = await telegramCommand('/status', VIEWER_TG);
    expect(text).toContain('opsbot status');
    expect(text).toMatch(/Firing: 🔴 CRIT \d+/);
    expect(text).toContain(`#${id} 🔴 CRIT payments failing (payments)`);
    expect(text).toContain('Failed deliveries (24 h): 0');
    const scoped = await telegramCommand('/status payments', VIEWER_TG);
    expect(scoped).toContain('opsbot status for payments');
    expect(scoped).not.toContain('db down');
  });

  it('/resend sends a delivery again that failed while the bot was out of the Telegram group; it needs responder', async () => {
    world.fakes.telegram.rejectChat(GROUP, 403, 'Forbidden: bot was kicked from the group chat');
    const id = await postAlert({ title: 'cache cold', service: 'cache' });
    const telegramState = async () => (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries.find((d: { platform: string }) => d.platform === 'telegram')?.state;
    await waitUntil('the Telegram delivery failed', async () => (await telegramState()) === 'failed');
    world.fakes.telegram.allowChat(GROUP);
    expect(await telegramCommand('/status')).toContain('Failed deliveries (24 h): 1 (/resend sends them again)');

    const viewer = await slashCommand('resend', { alert: String(id) }, VIEWER_DC);
    expect((await discordAnswer(viewer.id)).content).toContain('/resend needs the responder role; you have viewer');
    expect(await telegramState()).toBe('failed');
    const responder = await slashCommand('resend', { alert: String(id) }, RESPONDER_DC);
    expect((await discordAnswer(responder.id)).content).toBe(`1 failed delivery queued again (1 to telegram ${GROUP}).`);
    await waitUntil('the alert in the Telegram group', () => telegramMessageOf(id));
    expect(await telegramState()).toBe('sent');
    expect(await telegramCommand(`/resend ${id}`)).toContain('No failed deliveries matched; nothing was sent again.');
  });
});
