import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { runCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
defaultRoute: { telegram: ["-200"] }
pacing:
  telegramGroup: { intervalMs: 10, burst: 100 }
`;

describe('silences outside chat: API and CLI', () => {
  let fakes: Fakes;
  let bot: TestBot;
  beforeAll(async () => {
    fakes = await startFakes();
    bot = await startTestBot({ yaml: YAML, telegramApiRoot: fakes.telegram.apiRoot });
  });
  afterAll(async () => {
    await bot?.destroy();
    await fakes?.close();
  });
  const inChat = (title: string) => fakes.telegram.inChat('-200').filter((m) => m.text.includes(title));

  it('a silence created over the API holds a matching alert back; expiring it posts the alert', async () => {
    const created = await bot.post('/api/v1/silences', { matchers: 'service=db,env=~prod.*', duration: '2h', comment: 'failover drill', createdBy: 'alice' });
    expect(created.status).toBe(201);
    expect(created.body.silence).toMatchObject({ matchers: [{ name: 'service', op: '=', value: 'db' }, { name: 'env', op: '=~', value: 'prod.*' }], reason: 'failover drill', createdBy: 'alice', state: 'active', holding: 0 });
    const id = created.body.silence.id as number;

    await bot.post('/api/v1/alerts', [
      { severity: 'CRIT', title: 'held by the drill', service: 'db', labels: { env: 'prod-eu' } },
      { severity: 'CRIT', title: 'not matched', service: 'db', labels: { env: 'staging' } },
    ]);
    await waitUntil('the unmatched alert posted', () => inChat('not matched').length === 1);
    expect(inChat('held by the drill')).toEqual([]);
    expect((await bot.get(`/api/v1/silences/${id}`)).body.silence).toMatchObject({ state: 'active', holding: 1 });
    expect((await bot.get('/api/v1/silences')).body.silences.map((s: { id: number }) => s.id)).toContain(id);

    const response = await fetch(`${bot.url}/api/v1/silences/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ by: 'bob' }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { message: string }).message).toBe(`Silence #${id} ended by bob; alerts it held that still fire will post now`);
    await waitUntil('the held alert posted once the silence ended', () => inChat('held by the drill').length === 1);
    expect((await bot.get(`/api/v1/silences/${id}`)).body.silence).toMatchObject({ state: 'expired', removedBy: 'bob', holding: null });
    expect((await bot.get('/api/v1/silences?state=expired')).body.silences.map((s: { id: number }) => s.id)).toContain(id);
    const audit = (await bot.get('/api/v1/audit?user=alice')).body.entries as Array<{ command: string; via: string; result: string }>;
    expect(audit[0]).toMatchObject({ command: 'silence', via: 'api', result: 'ok' });
  });

  it('bad input is a 400 naming the field; an unknown or ended silence a 404', async () => {
    const bad = async (body: Record<string, unknown>) => (await bot.post('/api/v1/silences', body)).body.issues as Array<{ field: string; problem: string }>;
    expect(await bad({ matchers: 'service', duration: '1h', comment: 'x' })).toEqual([{ field: 'matchers', problem: expect.stringContaining('is not a matcher') }]);
    expect(await bad({ matchers: 'env=~(a', duration: '1h', comment: 'x' })).toEqual([{ field: 'matchers', problem: expect.stringContaining('regular expression') }]);
    expect(await bad({ matchers: [{ name: 'env', op: '=~', value: '(a' }], duration: '1h', comment: 'x' })).toEqual([{ field: 'matchers', problem: expect.stringContaining('regular expression') }]);
    expect(await bad({ matchers: 'service=db', duration: '1h' })).toEqual([expect.objectContaining({ field: 'comment' })]);
    expect(await bad({ matchers: 'service=db', endsAt: '2020-01-01T00:00:00Z', comment: 'x' })).toEqual([{ field: 'endsAt', problem: 'endsAt 2020-01-01T00:00:00Z is not in the future' }]);
    expect(await bad({ matchers: 'service=db', duration: 'soon', comment: 'x' })).toEqual([{ field: 'duration', problem: expect.stringContaining('is not like 30m') }]);
    expect(await bad({ matchers: 'service=db', duration: '1h', endsAt: '2030-01-01T00:00:00Z', comment: 'x' })).toEqual([expect.objectContaining({ field: 'duration', problem: expect.stringContaining('either duration') })]);
    expect(await bad({ matchers: 'service=db', duration: '1h', comment: 'x', extra: 1 })).toEqual([expect.objectContaining({ problem: expect.stringContaining('extra') })]);
    expect((await bot.get('/api/v1/silences/999999')).status).toBe(404);
    const gone = await fetch(`${bot.url}/api/v1/silences/999999`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
    expect(gone.status).toBe(404);
  });

  it('opsbot silence add, list and expire', async () => {
    const added = await runCli(bot.url, ['silence', 'add', 'service=cache', 'env!=dev', '--duration', '30m', '--comment', 'cache rebuild']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Silence #\d+ on service=cache,env!=dev for 30m, until \S+, by tester\./);
    const id = Number(/#(\d+)/.exec(added.stdout)![1]);
    const listed = await runCli(bot.url, ['silence', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+active\\s+service=cache,env!=dev\\s+\\S+ \\S+\\s+0\\s+tester\\s+cache rebuild$`, 'm'));
    expect(await runCli(bot.url, ['silence', 'expire', String(id)])).toMatchObject({ code: 0, stdout: `Silence #${id} ended by tester; alerts it held that still fire will post now\n` });
    expect((await runCli(bot.url, ['silence', 'list', '--expired'])).stdout).toMatch(new RegExp(`^${id}\\s+expired`, 'm'));
    expect(await runCli(bot.url, ['silence', 'add', 'service=cache', '--duration', '30m'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: opsbot silence add') });
    expect(await runCli(bot.url, ['silence', 'expire', String(id)])).toMatchObject({ code: 1, stderr: expect.stringContaining(`no active silence #${id}`) });
  });
});
