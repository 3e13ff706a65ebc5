import type { SqliteStore } from '../src/db/sqlite-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { injectAlertApi, type InjectedApi } from './helpers/inject.js';

const YAML = `
routes:
  - name: db
    match: { service: postgres }
    discord: ["100"]
    telegram: ["-200"]
defaultRoute:
  telegram: ["300"]
http:
  bodyLimitBytes: 65536
  maxAlertsPerRequest: 50
`;

describe('intake API (no chat platform configured)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ yaml: YAML });
  });
  afterAll(async () => {
    await bot.destroy();
  });

  it('accepts one alert with 202, stores it and its planned deliveries, and says why it went where', async () => {
    const res = await bot.post('/api/v1/alerts', {
      severity: 'CRIT',
      title: 'Postgres down',
      body: 'primary refuses connections',
      service: 'postgres',
      labels: { env: 'prod' },
      source: 'script',
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    const [created] = res.body.alerts;
    expect(created).toMatchObject({ outcome: 'created', deliveries: 2 });

    const detail = await bot.get(`/api/v1/alerts/${created.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      severity: 'CRIT',
      title: 'Postgres down',
      status: 'firing',
      count: 1,
      labels: { env: 'prod' },
      route: { matched: ['db'], usedDefault: false },
    });
    expect(detail.body.deliveries.map((d: any) => [d.platform, d.destination, d.state])).toEqual([
      ['discord', '100', 'pending'],
      ['telegram', '-200', 'pending'],
    ]);
  });

  it('accepts an array in one transaction and returns every id', async () => {
    const res = await bot.post('/api/v1/alerts', [
      { severity: 'INFO', title: 'a' },
      { severity: 'WARN', title: 'b', service: 'api' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body.alerts).toHaveLength(2);
    const detail = await bot.get(`/api/v1/alerts/${res.body.alerts[1].id}`);
    expect(detail.body.route).toMatchObject({ matched: [], usedDefault: true });
    expect(detail.body.deliveries[0]).toMatchObject({ platform: 'telegram', destination: '300' });
  });

  it('deduplicates a firing alert by dedupKey and resolves it; a re-fire is a new alert', async () => {
    const first = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk 90%', dedupKey: 'disk:/var' });
    const again = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk 90%', dedupKey: 'disk:/var' });
    expect(again.body.alerts[0]).toEqual({ id: first.body.alerts[0].id, outcome: 'deduplicated', count: 2 });

    const resolved = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk ok', dedupKey: 'disk:/var', status: 'resolved' });
    expect(resolved.body.alerts[0]).toEqual({ id: first.body.alerts[0].id, outcome: 'resolved' });
    const detail = await bot.get(`/api/v1/alerts/${first.body.alerts[0].id}`);
    expect(detail.body).toMatchObject({ status: 'resolved', count: 2 });
    expect(detail.body.resolvedAt).not.toBeNull();

    const refire = await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk 90%', dedupKey: 'disk:/var' });
    expect(refire.body.alerts[0].outcome).toBe('created');
    expect(refire.body.alerts[0].id).not.toBe(first.body.alerts[0].id);

    const orphan = await bot.post('/api/v1/alerts', { severity: 'INFO', title: 'x', dedupKey: 'never-fired', status: 'resolved' });
    expect(orphan.status).toBe(202);
    expect(orphan.body).toMatchObject({ accepted: 0, alerts: [{ id: null, outcome: 'ignored' }] });
  });

  it('lists alerts with filters', async () => {
    await bot.post('/api/v1/alerts', { severity: 'CRIT', title: 'filtered', service: 'billing' });
    const bySeverity = await bot.get('/api/v1/alerts?severity=CRIT&service=billing');
    expect(bySeverity.body.alerts.map((a: any) => a.title)).toEqual(['filtered']);
    const resolved = await bot.get('/api/v1/alerts?status=resolved');
    expect(resolved.body.alerts.every((a: any) => a.status === 'resolved')).toBe(true);
    const bad = await bot.get('/api/v1/alerts?severity=LOUD');
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('severity');
    expect((await bot.get('/api/v1/alerts/999999')).status).toBe(404);
  });

  it('takes Prometheus Alertmanager webhooks: severity mapping, fingerprint dedup, resolution, link', async () => {
    const payload = (status: 'firing' | 'resolved') => ({
      version: '4',
      groupKey: '{}:{alertname="HighLatency"}',
      truncatedAlerts: 0,
      status,
      receiver: 'opsbot',
      groupLabels: { alertname: 'HighLatency' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status,
          labels: { alertname: 'HighLatency', severity: 'critical', service: 'postgres', instance: 'db1' },
          annotations: { summary: 'p99 latency above 2 s', description: 'db1 is slow' },
          startsAt: '2026-11-22T03:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
          fingerprint: 'c0ffee1234',
        },
      ],
    });
    const fired = await bot.post('/api/v1/alertmanager', payload('firing'));
    expect(fired.status).toBe(202);
    const id = fired.body.alerts[0].id;
    const detail = await bot.get(`/api/v1/alerts/${id}`);
    expect(detail.body).toMatchObject({
      severity: 'CRIT',
      title: 'p99 latency above 2 s',
      body: 'db1 is slow',
      service: 'postgres',
      dedupKey: 'c0ffee1234',
      link: 'http://prometheus:9090/graph?g0.expr=up',
      source: 'alertmanager',
      route: { matched: ['db'] },
    });
    const resolved = await bot.post('/api/v1/alertmanager', payload('resolved'));
    expect(resolved.body.alerts[0]).toEqual({ id, outcome: 'resolved' });

    const broken = await bot.post('/api/v1/alertmanager', { version: '4', alerts: [{ status: 'firing' }] });
    expect(broken.status).toBe(400);
    expect(broken.body.issues.map((i: any) => i.field)).toContain('alerts[0].fingerprint');
  });

  it('answers 503 naming the storage problem when SQLite refuses the write (disk full), and keeps nothing from that request', async () => {
    const sqlite = (bot.bot.store as SqliteStore).writer.$client;
    const before = (await bot.get('/api/v1/alerts?limit=1000')).body.alerts.length;
    sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true })}`);
    try {
      const big = Array.from({ length: 50 }, (_, i) => ({ severity: 'WARN', title: `disk ${i}`, body: 'x'.repeat(1_000), service: 'postgres' }));
      const full = await bot.post('/api/v1/alerts', big);
      expect(full.status).toBe(503);
      expect(full.body.error).toMatch(/^could not store this request \(SQLite SQLITE_FULL: database or disk is full\); nothing from it was kept, retry later$/);
    } finally {
      sqlite.pragma('max_page_count = 4294967294');
    }
    expect((await bot.get('/api/v1/alerts?limit=1000')).body.alerts.length).toBe(before);
    expect((await bot.post('/api/v1/alerts', { severity: 'WARN', title: 'disk ok again', service: 'postgres' })).status).toBe(202);
  });

  it('reports health and readiness', async () => {
    expect((await bot.get('/healthz', null)).body).toEqual({ ok: true });
    expect((await bot.get('/readyz', null)).body).toEqual({ ok: true });
  });
});

describe('intake API refusals (the server built for inject: no Redis, no port)', () => {
  let api: InjectedApi;
  beforeAll(async () => {
    api = await injectAlertApi(YAML);
  });
  afterAll(async () => {
    await api.close();
  });

  it('refuses a missing or wrong token with 401', async () => {
    const missing = await api.post('/api/v1/alerts', { severity: 'CRIT', title: 'x' }, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/Authorization: Bearer/);
    const wrong = await api.post('/api/v1/alerts', { severity: 'CRIT', title: 'x' }, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('wrong API token');
    expect((await api.get('/api/v1/alerts', null)).status).toBe(401);
  });

  it('names every bad field and stores nothing from a bad batch', async () => {
    const before = (await api.get('/api/v1/alerts?limit=1000')).body.alerts.length;
    const res = await api.post('/api/v1/alerts', [
      { severity: 'INFO', title: 'fine' },
      { severity: 'LOUD', title: '', labels: { env: 3 }, colour: 'red' },
    ]);
    expect(res.status).toBe(400);
    const fields = res.body.issues.map((i: any) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['[1].severity', '[1].title', '[1].labels.env', '[1]']));
    expect(JSON.stringify(res.body.issues)).toMatch(/colour/);
    const after = (await api.get('/api/v1/alerts?limit=1000')).body.alerts.length;
    expect(after).toBe(before);
  });

  it('answers malformed JSON, a wrong content type and an oversize body clearly', async () => {
    const malformed = await api.post('/api/v1/alerts', '{"severity": "CRIT",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/malformed JSON/);

    const huge = await api.post('/api/v1/alerts', { severity: 'INFO', title: 'x', body: 'y'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/limit is 65536 bytes/);

    const tooMany = await api.post(
      '/api/v1/alerts',
      Array.from({ length: 51 }, () => ({ severity: 'INFO', title: 't' })),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toBe('51 alerts in one request; the limit is 50 (http.maxAlertsPerRequest): split the batch or raise the limit');

    const text = await api.post('/api/v1/alerts', 'CRIT: disk full', TEST_API_TOKEN, 'text/plain');
    expect(text.status).toBe(415);
  });
});
