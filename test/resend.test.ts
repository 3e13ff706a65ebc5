import { afterEach, describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { carriedIds } from './helpers/carried-ids.js';
import { runCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';
import { describeResent } from '../src/delivery/resend.js';

const YAML = `
routes:
  - name: api
    match: { service: api }
    discord: ["100"]
    telegram: ["301"]
  - name: storm
    match: { labels: { team: batch } }
    telegram: ["-303"]
defaultRoute:
  telegram: ["302"]
delivery:
  maxAttempts: 2
  backoffMs: 50
  backoffMaxMs: 100
  requestTimeoutMs: 2000
pacing:
  discordChannel: { intervalMs: 10, burst: 50 }
  telegramPrivate: { intervalMs: 10, burst: 50 }
`;

describe('sending failed deliveries again', () => {
  const world = useBotWithFakes(YAML);
  afterEach(() => {
    world.fakes.discord.reset();
    world.fakes.telegram.reset();
  });

  const post = async (alerts: Array<Record<string, unknown>>) => {
    const res = await world.bot.post('/api/v1/alerts', alerts);
    expect(res.status).toBe(202);
    return res.body.alerts.map((a: any) => a.id as number) as number[];
  };
  const detail = async (id: number) => (await world.bot.get(`/api/v1/alerts/${id}`)).body;
  const statesOf = async (id: number) => (await detail(id)).deliveries.map((d: any) => d.state as string);
  const waitForStates = (ids: number[], states: string[]) =>
    waitUntil(`alerts ${ids.join(',')} deliveries ${states.join(',')}`, async () => {
      const all = await Promise.all(ids.map(statesOf));
      return all.every((s) => JSON.stringify(s) === JSON.stringify(states)) ? true : undefined;
    });
  const idsInChat = (chat: string) => world.fakes.telegram.inChat(chat).flatMap((m) => carriedIds(m.text).ids);

  it('re-sends the failed Telegram delivery of one alert after an outage outlasted the retries, and only that one', async () => {
    world.fakes.telegram.script('sendMessage', { kind: '5xx' }, 2);
    const [id] = await post([{ severity: 'CRIT', title: 'payments down', service: 'api' }]);
    await waitForStates([id!], ['sent', 'failed']);
    expect((await detail(id!)).deliveries[1].lastError).toMatch(/after 2 attempts/);

    const resent = await world.bot.post('/api/v1/deliveries/resend', { alert: id, by: 'alice' });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ resent: 1, message: '1 failed delivery queued again (1 to telegram 301)' });
    await waitForStates([id!], ['sent', 'sent']);
    const [message] = await world.fakes.telegram.waitFor(() => world.fakes.telegram.inChat('301').length > 0 && world.fakes.telegram.inChat('301'));
    expect(message!.text).toContain('payments down');
    expect(world.fakes.telegram.inChat('301')).toHaveLength(1);
    expect(world.fakes.discord.inChannel('100')).toHaveLength(1);

    const again = await world.bot.post('/api/v1/deliveries/resend', { alert: id, by: 'alice' });
    expect(again.body).toMatchObject({ resent: 0, message: 'No failed deliveries matched; nothing was sent again' });
    const audit = await world.bot.get('/api/v1/audit?command=resend');
    expect(audit.body.entries.slice(0, 2)).toMatchObject([
      { via: 'api', userId: 'alice', result: 'ok', detail: 'No failed deliveries matched; nothing was sent again' },
      { via: 'api', userId: 'alice', result: 'ok', detail: '1 failed delivery queued again (1 to telegram 301)' },
    ]);
  });

  it('opsbot resend brings back more failed deliveries than a group chat’s pace allows as one storm summary, each alert once', async () => {
    world.fakes.telegram.rejectChat('-303', 403, 'Forbidden: bot was kicked from the group chat');
    const ids = await post(Array.from({ length: 6 }, (_, i) => ({ severity: i < 2 ? 'CRIT' : 'WARN', title: `queue backlog ${i}`, labels: { team: 'batch' } })));
    await waitForStates(ids, ['failed']);
    world.fakes.telegram.reset();
    expect((await runCli(world.bot.url, ['status'])).stdout).toContain('failed deliveries (24 h): 6 (opsbot resend sends them again)');

    const run = await runCli(world.bot.url, ['resend', '--platform', 'telegram', '--destination=-303']);
    expect(run).toMatchObject({ code: 0, stdout: '6 failed deliveries queued again (6 to telegram -303)\n' });
    await waitUntil('all six carried', async () => ((await Promise.all(ids.map(statesOf))).every(([s]) => s === 'summarized' || s === 'sent') ? true : undefined));
    await world.fakes.telegram.waitFor(() => idsInChat('-303').length >= 6);
    expect(idsInChat('-303').sort((a, b) => a - b)).toEqual(ids);
    expect(world.fakes.telegram.inChat('-303').length).toBeLessThan(6);
    expect((await runCli(world.bot.url, ['resend', '--platform', 'telegram'])).stdout).toBe('No failed deliveries matched; nothing was sent again\n');
  });

  it('shows a Re-send button on the dashboard beside the failed count, and it re-sends them', async () => {
    world.fakes.telegram.rejectChat('302', 400, 'Bad Request: chat not found');
    const [id] = await post([{ severity: 'WARN', title: 'certificate expires in 3 days' }]);
    await waitForStates([id!], ['failed']);
    world.fakes.telegram.reset();

    const base = `${world.bot.url}/ops/governance`;
    const form = (body: Record<string, string>, cookie?: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: world.bot.url, ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(body).toString(),
      redirect: 'manual' as const,
    });
    const login = await fetch(`${base}/login`, form({ token: TEST_API_TOKEN }));
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(base, { headers: { cookie } })).text();
    expect(page).toMatch(/failed in 24 h/);
    expect(page).toContain('Re-send the 1 failed delivery');
    const csrf = /action="\/ops\/governance\/deliveries\/resend"><input type="hidden" name="csrf" value="([^"]+)"/.exec(page)![1]!;

    const refused = await fetch(`${base}/deliveries/resend`, form({ csrf: 'wrong' }, cookie));
    expect(refused.status).toBe(403);
    expect(await statesOf(id!)).toEqual(['failed']);

    const clicked = await fetch(`${base}/deliveries/resend`, form({ csrf }, cookie));
    expect(clicked.status).toBe(303);
    expect(await (await fetch(base, { headers: { cookie } })).text()).toContain('1 failed delivery queued again (1 to telegram 302).');
    await waitForStates([id!], ['sent']);
    expect(world.fakes.telegram.inChat('302')).toHaveLength(1);
    const audit = await world.bot.get('/api/v1/audit?command=resend');
    expect(audit.body.entries[0]).toMatchObject({ via: 'dashboard', result: 'ok' });
  });

  it('an alert resolved while its delivery had failed arrives once, showing the resolution, with no "resolved" reply after it', async () => {
    world.fakes.telegram.rejectChat('302', 400, 'Bad Request: chat not found');
    const [id] = await post([{ severity: 'CRIT', title: 'disk latency high' }]);
    await waitForStates([id!], ['failed']);
    expect((await world.bot.post(`/api/v1/alerts/${id}/resolve`, { by: 'alice' })).status).toBe(200);
    world.fakes.telegram.allowChat('302');

    expect((await world.bot.post('/api/v1/deliveries/resend', { alert: id })).body.resent).toBe(1);
    await waitForStates([id!], ['sent']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const messages = world.fakes.telegram.inChat('302');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('RESOLVED');
    expect(messages[0]!.text).toContain('disk latency high');
  });

  it('names what is wrong with a resend request and changes nothing', async () => {
    world.fakes.telegram.rejectChat('302', 400, 'Bad Request: chat not found');
    const [id] = await post([{ severity: 'INFO', title: 'left failed' }]);
    await waitForStates([id!], ['failed']);

    const badPlatform = await world.bot.post('/api/v1/deliveries/resend', { platform: 'slack', chat: '302' });
    expect(badPlatform.status).toBe(400);
    expect(badPlatform.body.issues.map((i: any) => i.field).sort()).toEqual(['(body)', 'platform']);
    const unknown = await world.bot.post('/api/v1/deliveries/resend', { alert: 999_999 });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no alert #999999' } });
    expect(await world.bot.post('/api/v1/deliveries/resend', {}, 'wrong-token')).toMatchObject({ status: 401 });
    const cli = await runCli(world.bot.url, ['resend', 'latest']);
    expect(cli).toMatchObject({ code: 2, stderr: expect.stringContaining('"latest" is not an alert id') });
    expect(await runCli(world.bot.url, ['resend', '--hours', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--hours "soon" is not a positive number') });
    expect(await statesOf(id!)).toEqual(['failed']);
  });
});

describe('what a resend answers', () => {
  const resent = [
    { deliveryId: 1, alertId: 1, platform: 'discord' as const, destination: '100' },
    { deliveryId: 2, alertId: 1, platform: 'telegram' as const, destination: '-5' },
    { deliveryId: 3, alertId: 2, platform: 'telegram' as const, destination: '-5' },
  ];

  it('counts per destination, and says which platform has no token so its deliveries wait', () => {
    expect(describeResent(resent, ['discord', 'telegram'])).toBe('3 failed deliveries queued again (1 to discord 100, 2 to telegram -5)');
    expect(describeResent(resent, ['telegram'])).toBe(
      '3 failed deliveries queued again (1 to discord 100, 2 to telegram -5); discord has no token, so those wait until one is set',
    );
    expect(describeResent(resent, [])).toContain('discord and telegram have no token');
    expect(describeResent([], [])).toBe('No failed deliveries matched; nothing was sent again');
  });
});
