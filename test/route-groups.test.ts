import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const RESPONDER_DC = '501';
const RESPONDER_TG = { id: 1001, is_bot: false, first_name: 'Alice', username: 'alice' };

const YAML = `
routes:
  - name: disks
    match: { labels: { team: storage } }
    telegram: ["-300"]
    discord: ["300"]
    groupBy: [alertname]
    groupWait: 400ms
    groupInterval: 600ms
defaultRoute: { telegram: ["-200"] }
pacing:
  telegramGroup: { intervalMs: 10, burst: 100 }
  discordChannel: { intervalMs: 10, burst: 100 }
access:
  discord: { users: { "${RESPONDER_DC}": responder } }
  telegram: { users: { "${RESPONDER_TG.id}": responder } }
`;

describe('route groups: one message per group and destination, edited as it changes', () => {
  const world = useBotWithFakes(YAML);

  const storage = (alertname: string, instance: string) => ({ severity: 'WARN', title: `${alertname} on ${instance}`, dedupKey: `${alertname}-${instance}`, labels: { team: 'storage', alertname, instance } });
  const send = async (alerts: unknown[]) => {
    const response = await world.bot.post('/api/v1/alerts', alerts);
    expect(response.status).toBe(202);
  };
  const telegramGroup = (name: string) => world.fakes.telegram.inChat('-300').filter((m) => m.text.includes(`alertname=${name}`));
  const discordGroup = (name: string) => world.fakes.discord.inChannel('300').filter((m) => JSON.stringify(m).includes(`alertname=${name}`));

  it('alerts of one group arrive as one message after groupWait, grow by edits, resolve, and a later one opens a new message', async () => {
    await send([storage('DiskFull', 'db-1'), storage('DiskFull', 'db-2'), storage('InodesLow', 'db-1'), storage('DiskFull', 'db-3')]);
    await waitUntil('both groups posted on Telegram and Discord', () => telegramGroup('DiskFull').length === 1 && telegramGroup('InodesLow').length === 1 && discordGroup('DiskFull').length === 1);
    const [disks] = telegramGroup('DiskFull');
    expect(disks!.text).toContain('📦 alertname=DiskFull · 3 alerts, 3 firing');
    for (const instance of ['db-1', 'db-2', 'db-3']) expect(disks!.text).toContain(`DiskFull on ${instance}`);
    expect(world.fakes.telegram.inChat('-300')).toHaveLength(2);
    expect(world.fakes.telegram.inChat('-200')).toEqual([]);

    await send([storage('DiskFull', 'db-4')]);
    await waitUntil('the group edited with the alert that joined', () => telegramGroup('DiskFull')[0]!.text.includes('4 alerts, 4 firing'));
    expect(telegramGroup('DiskFull')[0]!.text).toContain('DiskFull on db-4');
    await waitUntil('the Discord group edited too', () => JSON.stringify(discordGroup('DiskFull')[0]).includes('4 alerts, 4 firing'));
    expect(world.fakes.telegram.inChat('-300')).toHaveLength(2);

    await send(['db-1', 'db-2', 'db-3', 'db-4'].map((instance) => ({ dedupKey: `DiskFull-${instance}`, status: 'resolved' })));
    await waitUntil('the group shows every alert resolved', () => telegramGroup('DiskFull')[0]!.text.includes('✅ alertname=DiskFull · 4 alerts, all resolved'));

    await send([storage('DiskFull', 'db-5')]);
    await waitUntil('a new message for the next alert of the group', () => telegramGroup('DiskFull').length === 2);
    expect(telegramGroup('DiskFull')[1]!.text).toContain('📦 alertname=DiskFull · 1 alert, 1 firing');
  });

  it('a group message has Ack all and Resolve all, on Telegram and Discord, acting on every alert in it', async () => {
    await send([storage('Latency', 'api-1'), storage('Latency', 'api-2')]);
    await waitUntil('the group posted on both platforms', () => telegramGroup('Latency').length === 1 && discordGroup('Latency').length === 1);
    const [message] = telegramGroup('Latency');
    const summaryId = Number(/group #(\d+)/.exec(message!.text)![1]);
    const buttons = () => (telegramGroup('Latency')[0]!.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard.flat().map((b) => b.callback_data);
    expect(buttons()).toEqual([`ackgroup:${summaryId}`, `resolvegroup:${summaryId}`]);

    world.fakes.telegram.pushCallback(message!, `ackgroup:${summaryId}`, RESPONDER_TG);
    await waitUntil('both alerts acknowledged in the group message', () => (telegramGroup('Latency')[0]!.text.match(/👀 #\d+/g) ?? []).length === 2);
    expect(buttons()).toEqual([`resolvegroup:${summaryId}`]);
    const answer = world.fakes.telegram.calls.find((c) => c.method === 'answerCallbackQuery');
    expect(String(answer?.payload.text)).toMatch(new RegExp(`Group #${summaryId} \\(alertname=Latency\\): 2 alerts acknowledged by @alice`));

    const discordMessage = discordGroup('Latency')[0]!;
    // Each destination has a group message of its own, with its own number.
    const discordButtons = () => (discordGroup('Latency')[0]!.components as Array<{ components: Array<{ label: string; custom_id: string }> }>).flatMap((row) => row.components);
    await waitUntil('the Discord buttons follow', () => discordButtons().map((b) => b.label).join() === 'Resolve all');
    await world.fakes.discord.sendInteraction({
      type: 3,
      data: { custom_id: discordButtons()[0]!.custom_id, component_type: 2 },
      guild_id: '900000000000000001',
      channel_id: '300',
      message: discordMessage.id,
      member: { user: { id: RESPONDER_DC, username: `user${RESPONDER_DC}` }, roles: [] },
    });
    await waitUntil('the group shows every alert resolved, without buttons', () => telegramGroup('Latency')[0]!.text.includes('all resolved') && buttons().length === 0);
    const audit = await world.bot.get('/api/v1/audit?command=resolvegroup');
    expect(audit.body.entries[0]).toMatchObject({ platform: 'discord', via: 'button', result: 'ok' });
  });
});
