import { beforeAll, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const GROUP = '-410';
const STRANGER = { id: 4242, is_bot: false, first_name: 'Mallory', username: 'mallory' };
const NEIGHBOUR = { id: 4343, is_bot: false, first_name: 'Nina', username: 'nina' };

const world = useBotWithFakes(`
defaultRoute: { telegram: ["${GROUP}"] }
access: { refusalWindow: 5s }
`);
beforeAll(() => waitUntil('Telegram long polling', () => world.fakes.telegram.calls.some((c) => c.method === 'getUpdates')));

const refusalsOf = async (userId: number) =>
  ((await world.bot.get(`/api/v1/audit?user=${userId}&limit=100`)).body.entries as Array<{ result: string; command: string; detail: string }>).filter(
    (e) => e.result !== 'ok',
  );
const refusalAnswers = () =>
  world.fakes.telegram.inChat(GROUP).filter((m) => m.text.includes('needs the operator role') || m.text.includes('Unknown command')).length;

it("a stranger's 20 refused commands in a window cost one audit row carrying the count and one answer in the chat", async () => {
  const before = refusalAnswers();
  for (let i = 0; i < 20; i++) world.fakes.telegram.pushText(GROUP, i % 4 === 3 ? '/frobnicate@opsbot_test_bot' : '/restart api', STRANGER);
  await waitUntil('the first refusal answered', () => refusalAnswers() > before);
  await waitUntil('all 20 refusals counted on one row', async () => (await refusalsOf(STRANGER.id))[0]?.detail.includes('20 refusals from this user within 5 s'), 15_000);
  const rows = await refusalsOf(STRANGER.id);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ result: 'refused', command: 'restart' });
  expect(refusalAnswers() - before).toBe(1);

  world.fakes.telegram.pushText(GROUP, '/restart api', STRANGER);
  await waitUntil('a refusal after the window answered again', () => refusalAnswers() - before === 2);
  await waitUntil('its own audit row', async () => (await refusalsOf(STRANGER.id)).length === 2);
});

it("one user's refusals do not silence another's", async () => {
  const before = world.fakes.telegram.inChat(GROUP).length;
  world.fakes.telegram.pushText(GROUP, '/restart api', STRANGER);
  world.fakes.telegram.pushText(GROUP, '/restart api', NEIGHBOUR);
  await waitUntil('the neighbour answered', () => world.fakes.telegram.inChat(GROUP).slice(before).some((m) => m.text.includes('needs the operator role')));
  expect((await refusalsOf(NEIGHBOUR.id)).map((e) => e.result)).toEqual(['refused']);
});
