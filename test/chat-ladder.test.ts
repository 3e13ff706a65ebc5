import { describe, expect, it } from 'vitest';
import { CHANNEL, GROUP, RESPONDER_TG, VIEWER_TG, useChatWorld } from './helpers/chat-world.js';
import { waitUntil } from './helpers/wait.js';

const world = useChatWorld();
const { postAlert, discordMessageOf, postedEverywhere, telegramAnswer, telegramCommand } = world;

describe('subscriptions and silences from chat', () => {
  it('/subscribe in a Telegram chat brings matching alerts there', async () => {
    const chat = '-300';
    const before = world.fakes.telegram.inChat(chat).length;
    world.fakes.telegram.pushText(chat, '/subscribe CRIT billing', RESPONDER_TG);
    expect(await telegramAnswer(before, chat)).toContain('this chat now gets CRIT alerts from billing');
    const wanted = await postAlert({ title: 'invoices stuck', service: 'billing' });
    const other = await postAlert({ title: 'other thing', service: 'search' });
    await waitUntil('the subscribed alert in the chat', () => world.fakes.telegram.inChat(chat).some((m) => m.text.includes(`alert #${wanted}`)));
    await postedEverywhere(other);
    expect(world.fakes.telegram.inChat(chat).some((m) => m.text.includes(`alert #${other}`))).toBe(false);
    const detail = await world.bot.get(`/api/v1/alerts/${wanted}`);
    expect(detail.body.route.destinations).toContainEqual({ platform: 'telegram', destination: chat, via: expect.stringMatching(/^subscription:\d+$/) });
  });

  it('a silenced alert is stored but not posted, and posts when the silence ends', async () => {
    const text = await telegramCommand('/silence service=reports,severity=CRIT 2s nightly rebuild');
    expect(text).toMatch(/Silence #\d+ on service=reports,severity=CRIT for 2s/);
    const id = await postAlert({ title: 'report build failing', service: 'reports' });
    const held = await world.bot.get(`/api/v1/alerts/${id}`);
    expect(held.body.silenceId).not.toBeNull();
    expect(held.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['silenced', 'silenced']);
    expect(await telegramCommand('/silences', VIEWER_TG)).toContain('holding 1');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(discordMessageOf(id)).toBeUndefined();
    await postedEverywhere(id);
    const after = await world.bot.get(`/api/v1/alerts/${id}`);
    expect(after.body.silenceId).toBeNull();
  });

  it('/unsilence ends a silence at once', async () => {
    const text = await telegramCommand('/silence service=batch 1h');
    const silenceId = /Silence #(\d+)/.exec(text)?.[1];
    const id = await postAlert({ title: 'batch late', service: 'batch' });
    expect((await world.bot.get(`/api/v1/alerts/${id}`)).body.silenceId).toBe(Number(silenceId));
    expect(await telegramCommand(`/unsilence ${silenceId}`)).toContain(`Silence #${silenceId} ended by @alice`);
    await postedEverywhere(id);
  });
});

describe('escalation ladder', () => {
  it('climbs L1 → L3 on its delays, mentioning the on-call people, then stops on ack', async () => {
    const id = await postAlert({ title: 'checkout down', service: 'pager' });
    await postedEverywhere(id);
    const notices = (channel: string) => world.fakes.discord.inChannel(channel).filter((m) => m.content.includes(`alert #${id} has not been acknowledged`));
    await waitUntil('L1 notice', () => notices(CHANNEL).some((m) => m.content.includes('L1 reminder')), 5_000);
    const l2 = await waitUntil('L2 notice', () => notices(CHANNEL).find((m) => m.content.includes('L2 on-call')), 5_000);
    expect(l2.content).toContain('<@555> <@&556>');
    expect(l2.allowedMentions).toEqual({ parse: [], users: ['555'], roles: ['556'] });
    const tgL2 = await waitUntil('Telegram L2', () => world.fakes.telegram.inChat(GROUP).find((m) => m.text.includes('L2 on-call') && m.text.includes(`alert #${id}`)));
    expect(tgL2.html).toContain('tg://user?id=777');
    await waitUntil('L3 in the managers channel', () => notices('300').some((m) => m.content.includes('L3 managers')), 5_000);
    await waitUntil('L3 in the managers group', () => world.fakes.telegram.inChat('-400').some((m) => m.text.includes(`alert #${id}`)));

    const detail = await world.bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.escalation.map((s: { level: number; state: string }) => `L${s.level}:${s.state}`)).toEqual(['L1:done', 'L2:done', 'L3:done']);
    const status = await telegramCommand('/status pager', VIEWER_TG);
    expect(status).toContain(`#${id} 🔴 CRIT at L3, ladder finished`);
  });

  it('an ack stops every pending level at once', async () => {
    const id = await postAlert({ title: 'login failing', service: 'pager' });
    await postedEverywhere(id);
    const notices = () => world.fakes.discord.inChannel(CHANNEL).filter((m) => m.content.includes(`alert #${id} has not been acknowledged`));
    await waitUntil('L1 notice', () => notices().length === 1, 5_000);
    const { telegram } = await postedEverywhere(id);
    world.fakes.telegram.pushCallback(telegram, `ack:${id}`, RESPONDER_TG);
    await waitUntil('the ack is stored', async () => (await world.bot.get(`/api/v1/alerts/${id}`)).body.ackedAt);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(notices()).toHaveLength(1);
    const detail = await world.bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body.escalation.map((s: { level: number; state: string }) => `L${s.level}:${s.state}`)).toEqual(['L1:done', 'L2:cancelled', 'L3:cancelled']);
    expect(detail.body.escalation[1].detail).toBe('acknowledged by @alice');
  });
});
