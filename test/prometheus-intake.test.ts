import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { runCli } from './helpers/cli.js';
import { labelsFingerprint } from '../src/http/prometheus.js';

describe('Prometheus straight in, and resolving by dedupKey alone', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({});
  });
  afterAll(async () => {
    await bot?.destroy();
  });

  const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const labels = { alertname: 'HighLatency', instance: 'api-1:9100', job: 'api', severity: 'critical' };
  /** What Prometheus posts to an Alertmanager (notifier.go): firing alerts end a few evaluation intervals ahead, resolved ones when they resolved. */
  const prometheusSends = (endsAt: string) => [
    {
      labels,
      annotations: { summary: 'p99 latency above 2s on api-1', description: 'p99 is 3.1s over the last 5 minutes' },
      startsAt: iso(-300_000),
      endsAt,
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28http_duration_seconds_bucket%5B5m%5D%29%29+%3E+2&g0.tab=1',
    },
  ];
  const post = (path: string, body: unknown, authorization: string) =>
    fetch(`${bot.url}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('POST /api/v2/alerts takes what Prometheus sends: firing while endsAt is ahead, resolved once it has passed', async () => {
    const firing = await post('/api/v2/alerts', prometheusSends(iso(240_000)), `Bearer ${TEST_API_TOKEN}`);
    expect(firing.status).toBe(202);
    const [created] = ((await firing.json()) as { alerts: Array<{ id: number; outcome: string }> }).alerts;
    expect(created).toMatchObject({ outcome: 'created' });
    const detail = (await bot.get(`/api/v1/alerts/${created!.id}`)).body;
    expect(detail).toMatchObject({ severity: 'CRIT', title: 'p99 latency above 2s on api-1', body: 'p99 is 3.1s over the last 5 minutes', service: 'api', labels, dedupKey: labelsFingerprint(labels), status: 'firing', source: 'alertmanager' });
    expect(detail.link).toContain('http://prometheus.example:9090/graph');

    const again = await post('/api/v2/alerts', prometheusSends(iso(240_000)), basic('prometheus', TEST_API_TOKEN));
    expect(((await again.json()) as { alerts: unknown[] }).alerts).toEqual([{ id: created!.id, outcome: 'deduplicated', count: 2 }]);
    const resolved = await post('/api/v2/alerts', prometheusSends(iso(-1_000)), `Bearer ${TEST_API_TOKEN}`);
    expect(((await resolved.json()) as { alerts: unknown[] }).alerts).toEqual([{ id: created!.id, outcome: 'resolved' }]);
  });

  it('the same alert through Alertmanager’s webhook has the same dedup key (Alertmanager’s fingerprint)', async () => {
    const fromPrometheus = await post('/api/v2/alerts', [{ labels: { alertname: 'DiskFull', instance: 'db-1' }, endsAt: iso(240_000) }], `Bearer ${TEST_API_TOKEN}`);
    const [created] = ((await fromPrometheus.json()) as { alerts: Array<{ id: number }> }).alerts;
    const webhook = { version: '4', status: 'resolved', alerts: [{ status: 'resolved', labels: { alertname: 'DiskFull', instance: 'db-1' }, annotations: {}, fingerprint: labelsFingerprint({ instance: 'db-1', alertname: 'DiskFull' }) }] };
    const viaAlertmanager = await post('/api/v1/alertmanager', webhook, basic('alertmanager', TEST_API_TOKEN));
    expect(((await viaAlertmanager.json()) as { alerts: unknown[] }).alerts).toEqual([{ id: created!.id, outcome: 'resolved' }]);
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  it('refuses a wrong password or token, and a body that is not a list of alerts', async () => {
    expect((await post('/api/v2/alerts', prometheusSends(iso(60_000)), basic('prometheus', 'not-the-token'))).status).toBe(401);
    const notAList = await post('/api/v2/alerts', { alerts: [] }, `Bearer ${TEST_API_TOKEN}`);
    expect(notAList.status).toBe(400);
    expect(((await notAList.json()) as { error: string }).error).toContain('invalid Prometheus alerts');
  });

  it('a resolution needs only its dedupKey; a firing alert still needs severity and title', async () => {
    await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk 90%', dedupKey: 'disk-db1' });
    expect((await bot.post('/api/v1/alerts', { dedupKey: 'disk-db1', status: 'resolved' })).body.alerts).toEqual([expect.objectContaining({ outcome: 'resolved' })]);
    const incomplete = await bot.post('/api/v1/alerts', { dedupKey: 'disk-db2' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['severity', 'title']);

    await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk 91%', dedupKey: 'disk-db3' });
    expect(await runCli(bot.url, ['send', '--dedup-key', 'disk-db3', '--resolved'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^alert #\d+ resolved\n$/) });
  });
});
