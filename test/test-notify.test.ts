import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { runCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
routes:
  - { name: db, match: { service: db }, discord: ["100"] }
  - { name: crit, match: { minSeverity: CRIT }, telegram: ["-200"], escalation: pager }
defaultRoute: { discord: ["999"] }
escalation:
  policies:
    pager: { levels: [{ level: 1, after: 1s }] }
`;

describe('test notifications', () => {
  let fakes: Fakes;
  let bot: TestBot;
  beforeAll(async () => {
    fakes = await startFakes();
    bot = await startTestBot({ yaml: YAML, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
  });
  afterAll(async () => {
    await bot?.destroy();
    await fakes?.close();
  });

  const isTest = (text: string) => text.includes('Test notification from opsbot');
  const discordTests = (channel: string) => fakes.discord.inChannel(channel).filter((m) => isTest([m.content, ...m.embeds.map((e) => e.title ?? '')].join('\n')));
  const telegramTests = (chat: string) => fakes.telegram.inChat(chat).filter((m) => isTest(m.text));

  it('through every route and the default route: each destination gets a rendered test alert, with no escalation', async () => {
    const res = await bot.post('/api/v1/test-notify', {});
    expect(res.status).toBe(202);
    expect(res.body.message).toBe(`Test alert #${res.body.alert} queued through every route to 3 destinations: discord 100, telegram -200, discord 999`);
    await waitUntil('the test alert in each chat', () => discordTests('100').length === 1 && discordTests('999').length === 1 && telegramTests('-200').length === 1);
    const detail = await bot.get(`/api/v1/alerts/${res.body.alert}`);
    expect(detail.body).toMatchObject({ severity: 'INFO', status: 'firing', service: 'opsbot', labels: { opsbot_test: 'true' }, escalation: [] });
  });

  it('through one route from the CLI; an unknown route is a 404 naming the configured ones; both audited', async () => {
    const cli = await runCli(bot.url, ['test-notify', '--route', 'crit']);
    expect(cli).toMatchObject({ code: 0, stderr: '' });
    expect(cli.stdout).toMatch(/^Test alert #\d+ queued through route crit to 1 destination: telegram -200\nopsbot alert \d+ shows whether each arrived\.\n$/);
    const id = Number(/#(\d+)/.exec(cli.stdout)![1]);
    const carries = (text: string) => text.includes(`alert #${id}`);
    await waitUntil('this test alert in the Telegram group', () => telegramTests('-200').some((m) => carries(m.text)));
    expect(fakes.discord.inChannel('100').filter((m) => carries([m.content, ...m.embeds.map((e) => `${e.title ?? ''}\n${e.footer?.text ?? ''}`)].join('\n')))).toEqual([]);

    const unknown = await bot.post('/api/v1/test-notify', { route: 'nope' });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no route named "nope" is configured', routes: ['db', 'crit'] } });
    expect((await bot.post('/api/v1/test-notify', { rout: 'crit' })).status).toBe(400);
    const audit = (await bot.get('/api/v1/audit?command=test-notify')).body.entries as Array<{ result: string; userId: string; args: Record<string, string> }>;
    expect(audit.map((e) => [e.result, e.args.route ?? null])).toEqual(expect.arrayContaining([['ok', 'crit'], ['invalid', 'nope']]));
    expect(audit.find((e) => e.args.route === 'crit')?.userId).toBe('tester');
  });
});
