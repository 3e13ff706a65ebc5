import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { waitUntil } from './helpers/wait.js';
import { ALL_COMMANDS } from '../commands/index.js';

const CHANNEL = '100';
const GROUP = '-200';
const RESPONDER_DC = '501';
const VIEWER_DC = '502';
const RESPONDER_TG = { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice' };
const VIEWER_TG = { id: 1002, is_bot: false, first_name: 'Victor', username: 'victor' };

const YAML = `
routes:
  - name: pager
    match: { service: pager }
    discord: ["${CHANNEL}"]
    telegram: ["${GROUP}"]
    escalation: fast
defaultRoute: { discord: ["${CHANNEL}"], telegram: ["${GROUP}"] }
escalation:
  policies:
    fast:
      levels:
        - { level: 1, after: 1s }
        - { level: 2, after: 2s, mention: { discord: { users: ["555"], roles: ["556"] }, telegram: { users: ["777"] } } }
        - { level: 3, after: 3s, discord: ["300"], telegram: ["-400"] }
  bySeverity: {}
access:
  discord: { users: { "${RESPONDER_DC}": responder } }
  telegram: { users: { "${RESPONDER_TG.id}": responder } }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

let fakes: Fakes;
let bot: TestBot;

beforeAll(async () => {
  fakes = await startFakes();
  bot = await startTestBot({ yaml: YAML, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
  await waitUntil('the Discord gateway session', () => fakes.discord.gatewaySessions === 1);
  await waitUntil('Telegram long polling', () => fakes.telegram.calls.some((c) => c.method === 'getUpdates'));
});

afterAll(async () => {
  await bot?.destroy();
  await fakes?.close();
});

async function postAlert(alert: Record<string, unknown>): Promise<number> {
  const res = await bot.post('/api/v1/alerts', { severity: 'CRIT', ...alert });
  expect(res.status).toBe(202);
  return res.body.alerts[0].id as number;
}

const discordMessageOf = (alertId: number) =>
  fakes.discord.inChannel(CHANNEL).find((m) => m.embeds[0]?.footer?.text?.includes(`alert #${alertId}`));
const telegramMessageOf = (alertId: number) =>
  fakes.telegram.inChat(GROUP).find((m) => m.text.includes(`alert #${alertId}`) && m.replyToMessageId === undefined && !m.text.includes('has not been acknowledged'));

async function postedEverywhere(alertId: number) {
  const discord = await waitUntil(`alert #${alertId} on Discord`, () => discordMessageOf(alertId));
  const telegram = await waitUntil(`alert #${alertId} on Telegram`, () => telegramMessageOf(alertId));
  return { discord, telegram };
}

function slashCommand(name: string, options: Record<string, string>, userId: string, roles: string[] = []) {
  return fakes.discord.sendInteraction({
    type: 2,
    data: { id: '300000000000000001', name, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: 3, value })) },
    guild_id: '900000000000000001',
    channel_id: CHANNEL,
    member: { user: { id: userId, username: `user${userId}` }, roles },
  });
}

/** What the user saw: the interaction's first answer (or the edit after a deferral). */
async function discordAnswer(interactionId: string): Promise<{ content: string; ephemeral: boolean }> {
  return waitUntil(`answer to interaction ${interactionId}`, () => {
    const responses = fakes.discord.interactionResponses.filter((r) => r.interactionId === interactionId);
    const callback = responses.find((r) => r.kind === 'callback');
    if (!callback) return undefined;
    const edit = responses.find((r) => r.kind === 'edit-original');
    if (callback.body.type === 5 && !edit) return undefined;
    const data = edit ? edit.body : callback.body.data;
    return { content: String(data.content ?? ''), ephemeral: ((data.flags ?? callback.body.data?.flags ?? 0) & 64) !== 0 };
  });
}

async function telegramAnswer(afterMessages: number, chatId = GROUP): Promise<string> {
  const reply = await waitUntil('a Telegram reply', () => fakes.telegram.inChat(chatId).slice(afterMessages).find((m) => m.replyToMessageId !== undefined && !m.text.includes('alert #')));
  return reply.text;
}

async function telegramCommand(text: string, from: Record<string, unknown> = RESPONDER_TG, chatId = GROUP): Promise<string> {
  const before = fakes.telegram.inChat(chatId).length;
  fakes.telegram.pushText(chatId, text, from);
  return telegramAnswer(before, chatId);
}

describe('chat commands on both platforms', () => {
  it('registers the same commands on Discord and Telegram', () => {
    const names = ALL_COMMANDS.map((c) => c.name).sort();
    expect(fakes.discord.commands.global.map((c) => c.name).sort()).toEqual(names);
    expect(fakes.telegram.commandsFor().map((c) => c.command).sort()).toEqual(names);
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

    const audit = await bot.get('/api/v1/audit?command=ack');
    expect(audit.body.entries[0]).toMatchObject({ platform: 'discord', userId: RESPONDER_DC, via: 'command', result: 'ok', args: { alert: String(id) } });
  });

  it('a Discord button press resolves the alert everywhere', async () => {
    const id = await postAlert({ title: 'disk full', service: 'db' });
    const { discord } = await postedEverywhere(id);
    expect(discord.components[0].components.map((c: { custom_id: string }) => c.custom_id)).toEqual([`ack:${id}`, `resolve:${id}`]);
    const press = await fakes.discord.sendInteraction({
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
    const audit = await bot.get('/api/v1/audit?command=resolve');
    expect(audit.body.entries[0]).toMatchObject({ platform: 'discord', via: 'button', result: 'ok' });
  });

  it('/ack sent in Telegram and an inline button press edit the messages on Discord too', async () => {
    const first = await postAlert({ title: 'queue stuck', service: 'mq' });
    await postedEverywhere(first);
    expect(await telegramCommand(`/ack@opsbot_test_bot ${first}`)).toContain(`Alert #${first} acknowledged by @alice`);
    const before = fakes.telegram.inChat(GROUP).length;
    fakes.telegram.pushText(GROUP, `/ack@some_other_bot ${first}`, RESPONDER_TG);
    expect(await telegramCommand('/subscriptions')).toContain('no subscription');
    expect(fakes.telegram.inChat(GROUP).slice(before).filter((m) => m.text.includes('acknowledged'))).toHaveLength(0);
    await waitUntil('Discord shows the Telegram ack', () =>
      discordMessageOf(first)?.embeds[0]?.fields?.some((f: { name: string; value: string }) => f.value.includes('@alice')),
    );

    const second = await postAlert({ title: 'cache cold', service: 'cache' });
    const { telegram } = await postedEverywhere(second);
    const answersBefore = fakes.telegram.callbackAnswers.length;
    fakes.telegram.pushCallback(telegram, `ack:${second}`, RESPONDER_TG);
    const answer = await waitUntil('the callback answer', () => fakes.telegram.callbackAnswers[answersBefore]);
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
    const stranger = await fakes.discord.sendInteraction({
      type: 2,
      data: { id: '300000000000000001', name: 'status', type: 1 },
      channel_id: '999',
      user: { id: '600', username: 'stranger' },
    });
    expect((await discordAnswer(stranger.id)).content).toContain('/status needs the viewer role; you have no role here');

    const detail = await bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.ackedAt).toBeNull();
    const refused = await bot.get('/api/v1/audit?result=refused');
    expect(refused.body.entries.map((e: { platform: string; userId: string }) => `${e.platform}:${e.userId}`)).toEqual(
      expect.arrayContaining([`discord:${VIEWER_DC}`, `telegram:${VIEWER_TG.id}`, 'discord:600']),
    );
  });

  it('answers bad arguments with what is wrong, not a stack trace', async () => {
    const unknown = await slashCommand('ack', { alert: '99999' }, RESPONDER_DC);
    expect((await discordAnswer(unknown.id)).content).toBe('There is no alert #99999. /status lists the firing ones.');
    expect(await telegramCommand('/ack banana')).toContain('<alert>: alert "banana" must be an alert number like 42 or #42');
    expect(await telegramCommand('/silence service=db 5x')).toContain('duration "5x" is not like 30m, 2h, 1h30m or 1d');
    expect(await telegramCommand('/silence service 1h')).toContain('"service" is not a matcher');
    expect(await telegramCommand('/silence env=~( 1h')).toContain('is not a valid regular expression');
    expect(await telegramCommand('/ack')).toContain('/ack needs <alert>');
    expect(await telegramCommand('/ack 1 2')).toContain('/ack did not expect "2"');
    const invalid = await bot.get('/api/v1/audit?result=invalid');
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
});

describe('subscriptions and silences from chat', () => {
  it('/subscribe in a Telegram chat brings matching alerts there', async () => {
    const chat = '-300';
    const before = fakes.telegram.inChat(chat).length;
    fakes.telegram.pushText(chat, '/subscribe CRIT billing', RESPONDER_TG);
    expect(await telegramAnswer(before, chat)).toContain('this chat now gets CRIT alerts from billing');
    const wanted = await postAlert({ title: 'invoices stuck', service: 'billing' });
    const other = await postAlert({ title: 'other thing', service: 'search' });
    await waitUntil('the subscribed alert in the chat', () => fakes.telegram.inChat(chat).some((m) => m.text.includes(`alert #${wanted}`)));
    await postedEverywhere(other);
    expect(fakes.telegram.inChat(chat).some((m) => m.text.includes(`alert #${other}`))).toBe(false);
    const detail = await bot.get(`/api/v1/alerts/${wanted}`);
    expect(detail.body.route.destinations).toContainEqual({ platform: 'telegram', destination: chat, via: expect.stringMatching(/^subscription:\d+$/) });
  });

  it('a silenced alert is stored but not posted, and posts when the silence ends', async () => {
    const text = await telegramCommand('/silence service=reports,severity=CRIT 2s nightly rebuild');
    expect(text).toMatch(/Silence #\d+ on service=reports,severity=CRIT for 2s/);
    const id = await postAlert({ title: 'report build failing', service: 'reports' });
    const held = await bot.get(`/api/v1/alerts/${id}`);
    expect(held.body.silenceId).not.toBeNull();
    expect(held.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['silenced', 'silenced']);
    expect(await telegramCommand('/silences', VIEWER_TG)).toContain('holding 1');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(discordMessageOf(id)).toBeUndefined();
    await postedEverywhere(id);
    const after = await bot.get(`/api/v1/alerts/${id}`);
    expect(after.body.silenceId).toBeNull();
  });

  it('/unsilence ends a silence at once', async () => {
    const text = await telegramCommand('/silence service=batch 1h');
    const silenceId = /Silence #(\d+)/.exec(text)?.[1];
    const id = await postAlert({ title: 'batch late', service: 'batch' });
    expect((await bot.get(`/api/v1/alerts/${id}`)).body.silenceId).toBe(Number(silenceId));
    expect(await telegramCommand(`/unsilence ${silenceId}`)).toContain(`Silence #${silenceId} ended by @alice`);
    await postedEverywhere(id);
  });
});

describe('escalation ladder', () => {
  it('climbs L1 → L3 on its delays, mentioning the on-call people, then stops on ack', async () => {
    const id = await postAlert({ title: 'checkout down', service: 'pager' });
    await postedEverywhere(id);
    const notices = (channel: string) => fakes.discord.inChannel(channel).filter((m) => m.content.includes(`alert #${id} has not been acknowledged`));
    await waitUntil('L1 notice', () => notices(CHANNEL).some((m) => m.content.includes('L1 reminder')), 5_000);
    const l2 = await waitUntil('L2 notice', () => notices(CHANNEL).find((m) => m.content.includes('L2 on-call')), 5_000);
    expect(l2.content).toContain('<@555> <@&556>');
    expect(l2.allowedMentions).toEqual({ parse: [], users: ['555'], roles: ['556'] });
    const tgL2 = await waitUntil('Telegram L2', () => fakes.telegram.inChat(GROUP).find((m) => m.text.includes('L2 on-call') && m.text.includes(`alert #${id}`)));
    expect(tgL2.html).toContain('tg://user?id=777');
    await waitUntil('L3 in the managers channel', () => notices('300').some((m) => m.content.includes('L3 managers')), 5_000);
    await waitUntil('L3 in the managers group', () => fakes.telegram.inChat('-400').some((m) => m.text.includes(`alert #${id}`)));

    const detail = await bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.escalation.map((s: { level: number; state: string }) => `L${s.level}:${s.state}`)).toEqual(['L1:done', 'L2:done', 'L3:done']);
    const status = await telegramCommand('/status pager', VIEWER_TG);
    expect(status).toContain(`#${id} at L3, ladder finished`);
  });

  it('an ack stops every pending level at once', async () => {
    const id = await postAlert({ title: 'login failing', service: 'pager' });
    await postedEverywhere(id);
    const notices = () => fakes.discord.inChannel(CHANNEL).filter((m) => m.content.includes(`alert #${id} has not been acknowledged`));
    await waitUntil('L1 notice', () => notices().length === 1, 5_000);
    const { telegram } = await postedEverywhere(id);
    fakes.telegram.pushCallback(telegram, `ack:${id}`, RESPONDER_TG);
    await waitUntil('the ack is stored', async () => (await bot.get(`/api/v1/alerts/${id}`)).body.ackedAt);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(notices()).toHaveLength(1);
    const detail = await bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.escalation.map((s: { level: number; state: string }) => `L${s.level}:${s.state}`)).toEqual(['L1:done', 'L2:cancelled', 'L3:cancelled']);
    expect(detail.body.escalation[1].detail).toBe('acknowledged by @alice');
  });
});
