import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';

const YAML = `
http:
  bodyLimitBytes: 4194304
  maxAlertsPerRequest: 50
`;

interface AmAlert {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generatorURL?: string;
  fingerprint: string;
  status?: 'firing' | 'resolved';
}

const webhook = (alerts: AmAlert[]) => ({
  version: '4',
  status: 'firing',
  receiver: 'opsbot',
  alerts: alerts.map((a) => ({ status: 'firing', labels: {}, annotations: {}, ...a })),
});

describe('POST /api/v1/alertmanager keeps the intake limits without dropping a group', () => {
  let bot: TestBot;
  const logLines: Array<{ level: number; msg: string }> = [];
  beforeAll(async () => {
    bot = await startTestBot({ yaml: YAML, log: pino({ level: 'warn' }, { write: (line: string) => logLines.push(JSON.parse(line)) }) });
  });
  afterAll(async () => {
    await bot.destroy();
  });

  const stored = async (id: number) => (await bot.get(`/api/v1/alerts/${id}`)).body;
  const send = async (alerts: AmAlert[]) => {
    const res = await bot.post('/api/v1/alertmanager', webhook(alerts));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.alerts.map((a: { id: number }) => a.id) as number[];
  };

  it('a severity label of constructor or __proto__ gets the default severity, and the rest of the group is stored', async () => {
    const ids = await send([
      { labels: { alertname: 'A', severity: 'constructor' }, fingerprint: 'proto-1' },
      { labels: { alertname: 'B', severity: '__proto__' }, fingerprint: 'proto-2' },
      { labels: { alertname: 'C', severity: 'toString' }, fingerprint: 'proto-3' },
      { labels: { alertname: 'D', severity: 'critical' }, fingerprint: 'proto-4' },
    ]);
    expect(await Promise.all(ids.map(async (id) => (await stored(id)).severity))).toEqual(['WARN', 'WARN', 'WARN', 'CRIT']);
  });

  it('refuses a webhook with more alerts than http.maxAlertsPerRequest with 413 naming the setting', async () => {
    const alerts = Array.from({ length: 51 }, (_, i) => ({ labels: { alertname: `many ${i}` }, fingerprint: `many-${i}` }));
    const res = await bot.post('/api/v1/alertmanager', webhook(alerts));
    expect(res.status).toBe(413);
    expect(res.body.error).toBe(
      '51 alerts in one webhook; the limit is 50 (http.maxAlertsPerRequest): set max_alerts in the webhook_config or raise the limit',
    );
    const listed = (await bot.get('/api/v1/alerts?limit=1000')).body.alerts;
    expect(listed.filter((a: { title: string }) => a.title.startsWith('many '))).toHaveLength(0);
    expect((await bot.post('/api/v1/alertmanager', webhook(alerts.slice(0, 50)))).status).toBe(202);
  });

  it('stores an alert that breaks every limit clipped, marked with opsbot_clipped, next to the well-formed rest of its group', async () => {
    const labels: Record<string, string> = { alertname: 'Huge', service: 'api', env: 'v'.repeat(5_000) };
    for (let i = 0; i < 5_000; i++) labels[`l${String(i).padStart(4, '0')}`] = 'x';
    const fingerprint = 'f'.repeat(200_007);
    const [huge, normal] = await send([
      {
        labels,
        annotations: { summary: 's'.repeat(3_000), description: 'd'.repeat(150_000) },
        generatorURL: `http://prometheus:9090/graph?q=${'u'.repeat(50_000)}`,
        fingerprint,
      },
      { labels: { alertname: 'Normal', service: 'api' }, annotations: { summary: 'fine' }, fingerprint: 'normal-1' },
    ]);
    const alert = await stored(huge!);
    expect(alert.title).toHaveLength(1_000);
    expect(alert.title.endsWith('…')).toBe(true);
    expect(alert.body).toHaveLength(100_000);
    expect(alert.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(alert.link).toBeNull();
    expect(Object.keys(alert.labels)).toHaveLength(100);
    expect(alert.labels).toMatchObject({ alertname: 'Huge', service: 'api' });
    expect(alert.labels.env).toHaveLength(1_024);
    expect(alert.labels.opsbot_clipped.split('; ')).toEqual([
      'title cut from 3000 to 1000 characters',
      'body cut from 150000 to 100000 characters',
      'dedupKey (fingerprint of 200007 characters) replaced by its SHA-256',
      'link of 50031 characters dropped (the limit is 2000)',
      '1 label value cut to 1024 characters',
      '4904 of 5003 labels dropped (the limit is 100, opsbot_clipped included)',
    ]);
    expect((await stored(normal!)).labels).toEqual({ alertname: 'Normal', service: 'api' });

    const again = await bot.post('/api/v1/alertmanager', webhook([{ labels, fingerprint }]));
    expect(again.body.alerts[0]).toMatchObject({ id: huge, outcome: 'deduplicated' });
    const resolved = await bot.post('/api/v1/alertmanager', webhook([{ labels, fingerprint, status: 'resolved' }]));
    expect(resolved.body.alerts[0]).toEqual({ id: huge, outcome: 'resolved' });
  });

  it('logs what it clipped', async () => {
    await send([{ labels: { alertname: 'Long' }, annotations: { summary: 't'.repeat(1_200) }, fingerprint: 'logged-1' }]);
    const line = logLines.find((l) => JSON.stringify(l).includes('logged-1'));
    expect(line).toMatchObject({
      level: 40,
      msg: 'stored 1 Alertmanager alert(s) clipped to the intake limits, marked with the opsbot_clipped label',
      clipped: 1,
      alerts: [{ dedupKey: 'logged-1', changes: ['title cut from 1200 to 1000 characters'] }],
    });
  });

  it('gives a blank title a fallback: the alertname, else "Alertmanager alert"', async () => {
    const [named, anonymous] = await send([
      { labels: { alertname: 'DiskFull' }, annotations: { summary: '   ', title: '' }, fingerprint: 'blank-1' },
      { labels: { alertname: ' ' }, annotations: { summary: '' }, fingerprint: 'blank-2' },
    ]);
    expect((await stored(named!)).title).toBe('DiskFull');
    expect((await stored(anonymous!)).title).toBe('Alertmanager alert');
  });

  it('replaces lone UTF-16 surrogates with U+FFFD and marks the alert, instead of refusing the group', async () => {
    const body = JSON.stringify(
      webhook([
        { labels: { alertname: 'Bad\ud800text', service: 'api' }, annotations: { summary: 'half \udc00 pair' }, fingerprint: 'surrogate-1' },
        { labels: { alertname: 'Good' }, fingerprint: 'surrogate-2' },
      ]),
    );
    expect(body).toContain('\\ud800');
    const res = await bot.post('/api/v1/alertmanager', body);
    expect(res.status).toBe(202);
    const [bad, good] = res.body.alerts.map((a: { id: number }) => a.id);
    const alert = await stored(bad);
    expect(alert.title).toBe('half \ufffd pair');
    expect(alert.labels).toEqual({ alertname: 'Bad\ufffdtext', service: 'api', opsbot_clipped: 'lone UTF-16 surrogates replaced by U+FFFD' });
    expect((await stored(good)).labels).toEqual({ alertname: 'Good' });
  });
});
