import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

/**
 * A partial outage: getMe answers, sendMessage keeps failing. Attempts come at 0 and 1.5 s; the
 * first probe that answers (3 s in) releases the third at once; after that the alert keeps its own
 * back-off (1.5 s doubling, ×0.8–1.2) until a post goes through: the fourth after 6 s more, the
 * fifth after 12 s more, at least 3 + 4.8 + 9.6 = 17.4 s in. Released at every probe (every 3 s) the
 * fifth would come about 9 s in.
 */
describe('a platform that answers the probe but still fails posts', () => {
  const world = useBotWithFakes(`
defaultRoute:
  telegram: ["-960"]
delivery:
  backoffMs: 1500
`);

  it('leaves the waiting alert its own back-off instead of spending an attempt at every probe', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 100_000);
    const postedAt = Date.now();
    const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'mail queue stuck' });
    const id = res.body.alerts[0].id as number;
    const attempts = async () => (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries[0].attempts as number;
    await waitUntil('five failed attempts', async () => (await attempts()) >= 5, 40_000);
    expect(Date.now() - postedAt).toBeGreaterThan(13_000);
  }, 60_000);
});
