import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { carriedIds } from './helpers/carried-ids.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - name: steady
    match: { labels: { stream: steady } }
    telegram: ["-901"]
defaultRoute:
  telegram: ["-900"]
delivery:
  maxAttempts: 4
  backoffMs: 1500
  backoffMaxMs: 3000
pacing:
  telegramGroup: { intervalMs: 300, burst: 1 }
`;

describe('alerts that pile up behind a platform outage', () => {
  const world = useBotWithFakes(YAML);
  const carriedIn = (chat: string) => world.fakes.telegram.inChat(chat).flatMap((m) => carriedIds(m.text).ids);

  it('come back as a storm summary once the platform recovers, not one late message each', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 10_000);
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: `checkout errors ${i}` });
      expect(res.status).toBe(202);
      ids.push(res.body.alerts[0].id);
      await new Promise((resolve) => setTimeout(resolve, 350));
    }
    const failedOnce = async (id: number) => {
      const [delivery] = (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries;
      return delivery.attempts > 0 || delivery.state === 'summarized';
    };
    await waitUntil('every alert tried (alone or in a summary) and failed', async () => ((await Promise.all(ids.map(failedOnce))).every(Boolean) ? true : undefined));
    expect(world.fakes.telegram.inChat('-900')).toHaveLength(0);

    world.fakes.telegram.reset();
    await waitUntil('every alert carried', () => carriedIn('-900').length >= ids.length, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(carriedIn('-900').sort((a, b) => a - b)).toEqual(ids);
    expect(world.fakes.telegram.inChat('-900').length).toBeLessThanOrEqual(2);
  });

  it('a steady stream into the outage keeps the summary retrying: an alert that joins late is not failed with the early ones', async () => {
    world.fakes.telegram.reset();
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 10_000);
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await world.bot.post('/api/v1/alerts', { severity: 'WARN', title: `latency ${i}`, labels: { stream: 'steady' } });
      ids.push(res.body.alerts[0].id);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(world.fakes.telegram.calls.filter((c) => c.status === 502).length).toBeGreaterThan(4);

    world.fakes.telegram.reset();
    await waitUntil('every alert carried', () => carriedIn('-901').length >= ids.length, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(carriedIn('-901').sort((a, b) => a - b)).toEqual(ids);
    const states = await Promise.all(ids.map(async (id) => (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries[0].state));
    expect(states.filter((state) => state === 'failed')).toEqual([]);
    expect(world.fakes.telegram.inChat('-901').length).toBeLessThanOrEqual(2);
  });
});
