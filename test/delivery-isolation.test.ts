import { expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { carriedIds } from './helpers/carried-ids.js';

/**
 * Every new alert goes through the deliver queue (directPosts: 0) and each platform's worker runs two
 * jobs at once, so ten hanging Telegram posts are more than the workers can hold.
 */
const YAML = `
defaultRoute:
  discord: ["100"]
  telegram: ["-200"]
delivery:
  directPosts: 0
  concurrency: 2
  requestTimeoutMs: 2000
  backoffMs: 100
pacing:
  discordChannel: { intervalMs: 10, burst: 50 }
  telegramGroup: { intervalMs: 10, burst: 50 }
  discordGlobal: { perSecond: 1000, burst: 50 }
  telegramGlobal: { perSecond: 1000, burst: 50 }
`;

const world = useBotWithFakes(YAML);

it('a platform whose requests hang does not hold up the other platform', async () => {
  world.fakes.telegram.script('sendMessage', { kind: 'hang' }, 10);
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: `outage ${i}`, service: 'db' });
    expect(res.status).toBe(202);
    ids.push(res.body.alerts[0].id);
  }
  await world.fakes.discord.waitFor(() => world.fakes.discord.inChannel('100').length === 10, 10_000);
  expect(world.fakes.telegram.calls.filter((c) => c.method === 'sendMessage').length).toBeGreaterThan(0);
  expect(world.fakes.telegram.inChat('-200')).toHaveLength(0);

  // Telegram catches up once its requests time out: each alert in its own message or, after 3 s of waiting, in a storm summary.
  const carried = () => world.fakes.telegram.inChat('-200').flatMap((m) => carriedIds(m.text).ids);
  await world.fakes.telegram.waitFor(() => new Set(carried()).size === 10, 30_000);
  expect(carried().sort((a, b) => a - b)).toEqual(ids);
}, 45_000);
