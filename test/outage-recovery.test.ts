import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { carriedIds } from './helpers/carried-ids.js';
import { waitUntil } from './helpers/wait.js';

/** Retries 1, 2, 4, 8, 16 s apart: after the fifth failed attempt a delivery's own back-off is at least 12.8 s. */
const YAML = `
routes:
${[1, 2, 3].map((n) => `  - name: chat${n}\n    match: { labels: { chat: "${n}" } }\n    telegram: ["-95${n}"]`).join('\n')}
defaultRoute:
  telegram: ["-950"]
delivery:
  backoffMs: 1000
  backoffMaxMs: 16000
pacing:
  telegramGroup: { intervalMs: 200, burst: 3 }
`;

describe('a platform that answers again after an outage', () => {
  const world = useBotWithFakes(YAML);
  const chats = ['-950', '-951', '-952', '-953'];
  const carried = () => chats.flatMap((chat) => world.fakes.telegram.inChat(chat)).flatMap((m) => carriedIds(m.text).ids);
  const attemptsOf = async (id: number): Promise<number> => (await world.bot.get(`/api/v1/alerts/${id}`)).body.deliveries[0].attempts;
  /** Each alert in a chat of its own, so that its retries keep its own back-off (none is folded into a summary). */
  const postAlert = async (title: string, chat: string) => {
    const res = await world.bot.post('/api/v1/alerts', { severity: 'CRIT', title, labels: { chat } });
    expect(res.status).toBe(202);
    return res.body.alerts[0].id as number;
  };

  it('gets every waiting alert within 5 s plus pacing, whatever back-off each one had reached', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 10_000);
    world.fakes.telegram.script('getMe', { kind: '5xx' }, 10_000);
    const first = await postAlert('disk full 0', '0');
    await waitUntil('the first alert failed three times', async () => (await attemptsOf(first)) >= 3, 15_000);
    const ids = [first, await postAlert('disk full 1', '1'), await postAlert('disk full 2', '2')];
    await waitUntil('the first alert failed five times', async () => (await attemptsOf(first)) >= 5, 30_000);
    ids.push(await postAlert('disk full 3', '3'));
    expect(carried()).toEqual([]);

    world.fakes.telegram.reset();
    const recoveredAt = Date.now();
    await waitUntil('every waiting alert in chat', () => ids.every((id) => carried().includes(id)), 30_000);
    expect(Date.now() - recoveredAt).toBeLessThan(5_000 + 1_000);
  }, 60_000);
});
