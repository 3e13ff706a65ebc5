import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - name: flood
    match: { service: flood }
    telegram: ["-300"]
    discord: ["500"]
  - name: quiet
    match: { service: quiet }
    telegram: ["400"]
  - name: trickle
    match: { service: trickle }
    telegram: ["-600"]
  - name: edits
    match: { service: edits }
    telegram: ["-700"]
    discord: ["700"]
`;

describe('storm control and per-destination pacing (default pacing, rate-limited fake)', () => {
  let fakes: Fakes;
  let bot: TestBot;
  beforeAll(async () => {
    fakes = await startFakes({ telegramRateLimit: true });
    bot = await startTestBot({ yaml: YAML, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
  });
  afterAll(async () => {
    await bot.destroy();
    await fakes.close();
  });

  const flood = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => ({
      severity: (['INFO', 'WARN', 'CRIT'] as const)[(from + i) % 3],
      title: `flood alert ${from + i}`,
      service: 'flood',
    }));

  it('combines a flood into a few summaries, loses nothing, and does not hold up other chats', async () => {
    const ids: number[] = [];
    const floodWave = async (wave: number) => {
      const res = await bot.post('/api/v1/alerts', flood(100, wave * 100));
      expect(res.status).toBe(202);
      ids.push(...res.body.alerts.map((a: any) => a.id));
    };
    for (let wave = 0; wave < 3; wave++) {
      await floodWave(wave);
      await waitUntil(`flood wave ${wave} posted`, () => fakes.telegram.inChat('-300').length === wave + 1);
    }
    await floodWave(3);
    const quiet = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'unrelated', service: 'quiet' });
    expect(quiet.status).toBe(202);
    const quietMessage = await waitUntil('the quiet chat message', () => fakes.telegram.inChat('400')[0]);
    expect(quietMessage.text).toContain('unrelated');

    const everyAlertCovered = async () => {
      for (const id of ids) {
        const d = (await bot.get(`/api/v1/alerts/${id}`)).body;
        for (const delivery of d.deliveries) {
          const own = delivery.state === 'sent';
          const inSentSummary = delivery.state === 'summarized' && delivery.summary?.state === 'sent';
          if (!own && !inSentSummary) return false;
        }
      }
      return true;
    };
    await waitUntil('every flood alert in a sent message or summary', everyAlertCovered, 20_000);

    const floodedChat = fakes.telegram.inChat('-300');
    expect(floodedChat).toHaveLength(4);
    expect(fakes.discord.inChannel('500').length).toBeLessThanOrEqual(8);
    expect(fakes.telegram.calls.filter((c) => c.status === 429)).toHaveLength(0);
    for (const summary of floodedChat) {
      expect(summary.text).toContain('Storm summary · 100 alerts');
      expect(summary.text).toMatch(/CRIT[\s\S]*WARN[\s\S]*INFO/);
    }
    const lastWave = floodedChat[3]!;
    expect(lastWave.text).toContain(`#${ids[300]}–#${ids[399]}`);
    expect(fakes.telegram.messages.indexOf(quietMessage)).toBeLessThan(fakes.telegram.messages.indexOf(lastWave));
  });

  it('alerts sent one per request faster than a group takes them: the first is posted at once, every other one exactly once after it', async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const res = await bot.post('/api/v1/alerts', { severity: 'WARN', title: `trickle ${i}`, service: 'trickle' });
      expect(res.status).toBe(202);
      ids.push(res.body.alerts[0].id);
    }
    const settled = async () => {
      const states = await Promise.all(ids.map(async (id) => (await bot.get(`/api/v1/alerts/${id}`)).body.deliveries[0]));
      return states.every((d) => d.state === 'sent' || (d.state === 'summarized' && d.summary?.state === 'sent')) ? states : undefined;
    };
    const deliveries = await waitUntil('every trickle alert in a sent message or summary', settled, 15_000);
    expect(deliveries[0].state).toBe('sent');
    const chat = fakes.telegram.inChat('-600');
    expect(chat[0]!.text).toContain('trickle 1');
    const mentions = (id: number) => chat.filter((m) => new RegExp(`#${id}\\b|trickle ${ids.indexOf(id) + 1}\\b`).test(m.text)).length;
    for (const id of ids) expect(mentions(id), `alert #${id} in exactly one message`).toBe(1);
    expect(fakes.telegram.calls.filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('edits a storm summary when alerts in it are resolved, acknowledged or fire again', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({ severity: 'WARN', title: `edit me ${i}`, service: 'edits', dedupKey: `edits-${i}` }));
    const res = await bot.post('/api/v1/alerts', batch);
    expect(res.status).toBe(202);
    const ids: number[] = res.body.alerts.map((a: any) => a.id);
    const summaryIn = (chat: () => Array<{ text: string }>) => waitUntil('the storm summary', () => chat().find((m) => m.text.includes('Storm summary · 10 alerts')));
    await summaryIn(() => fakes.telegram.inChat('-700'));
    await summaryIn(() => fakes.discord.inChannel('700').map((m) => ({ text: JSON.stringify(m.embeds ?? []) })));

    expect((await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'edit me 0', service: 'edits', dedupKey: 'edits-0', status: 'resolved' })).status).toBe(202);
    expect((await bot.post(`/api/v1/alerts/${ids[1]}/ack`, {})).status).toBe(200);
    expect((await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'edit me 2', service: 'edits', dedupKey: 'edits-2' })).status).toBe(202);

    const edited = await waitUntil(
      'the Telegram summary edited',
      () => fakes.telegram.inChat('-700').find((m) => m.text.includes('✅ 1 resolved · 👀 1 acked') && m.text.includes('×2')),
      20_000,
    );
    expect(edited.text).toContain(`✅ #${ids[0]} [WARN] edit me 0`);
    expect(edited.text).toContain(`👀 #${ids[1]} [WARN] edit me 1`);
    expect(edited.text).toContain(`#${ids[2]} [WARN ×2] edit me 2`);
    expect(fakes.telegram.inChat('-700')).toHaveLength(1);
    const discordEdited = await waitUntil(
      'the Discord summary edited',
      () =>
        fakes.discord.inChannel('700').find((m) => {
          const embeds = JSON.stringify(m.embeds ?? []);
          return embeds.includes('✅ 1 resolved · 👀 1 acked') && embeds.includes('WARN ×2');
        }),
      20_000,
    );
    expect(discordEdited.embeds?.[0]?.description).toContain(`#${ids[2]} \\[WARN ×2\\] edit me 2`);
    expect(fakes.discord.inChannel('700')).toHaveLength(1);
  });
});
