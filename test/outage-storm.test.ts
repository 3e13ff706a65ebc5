import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { carriedIds } from './helpers/carried-ids.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
defaultRoute:
  telegram: ["-900"]
delivery:
  maxAttempts: 20
  backoffMs: 1500
  backoffMaxMs: 3000
pacing:
  telegramGroup: { intervalMs: 300, burst: 1 }
`;

describe('alerts that pile up behind a platform outage', () => {
  const world = useBotWithFakes(YAML);

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
    const carried = () => world.fakes.telegram.inChat('-900').flatMap((m) => carriedIds(m.text).ids);
    await waitUntil('every alert carried', () => carried().length >= ids.length, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(carried().sort((a, b) => a - b)).toEqual(ids);
    expect(world.fakes.telegram.inChat('-900').length).toBeLessThanOrEqual(2);
  });
});
