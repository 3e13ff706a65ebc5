import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';

/** A Grafana contact point of type "webhook" (Grafana 10/11 unified alerting), as it posts: Alertmanager's fields and Grafana's own. */
function grafanaPayload(status: 'firing' | 'resolved') {
  const alert = {
    status,
    labels: { alertname: 'High CPU', grafana_folder: 'Infra', instance: 'web-1', severity: 'warning' },
    annotations: { summary: 'CPU above 90% on web-1', description: 'CPU has been above 90% for 10 minutes.' },
    startsAt: '2026-12-05T04:00:00Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-05T04:20:00Z',
    generatorURL: 'https://grafana.example/alerting/grafana/fe1a2b3c/view?orgId=1',
    fingerprint: 'b1c2d3e4f5a6b7c8',
    silenceURL: 'https://grafana.example/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHigh+CPU',
    dashboardURL: 'https://grafana.example/d/abc123?orgId=1',
    panelURL: 'https://grafana.example/d/abc123?orgId=1&viewPanel=2',
    values: { B: 93.2, C: 1 },
    valueString: "[ var='B' labels={instance=web-1} value=93.2 ], [ var='C' labels={instance=web-1} value=1 ]",
  };
  return {
    receiver: 'opsbot',
    status,
    orgId: 1,
    alerts: [alert],
    groupLabels: { alertname: 'High CPU', grafana_folder: 'Infra' },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'https://grafana.example/',
    version: '1',
    groupKey: '{}/{severity="warning"}:{alertname="High CPU", grafana_folder="Infra"}',
    truncatedAlerts: 0,
    title: `[${status.toUpperCase()}:1] High CPU (Infra web-1 warning)`,
    state: status === 'firing' ? 'alerting' : 'ok',
    message: '**Firing**\n\nValue: B=93.2, C=1\nLabels:\n - alertname = High CPU\n',
  };
}

describe("Grafana's webhook contact point", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({});
  });
  afterAll(async () => {
    await bot?.destroy();
  });

  it('posted to /api/v1/alertmanager: stored with its severity, title, labels and link; the resolved notification resolves it', async () => {
    const firing = await bot.post('/api/v1/alertmanager', grafanaPayload('firing'));
    expect(firing.status).toBe(202);
    const id = firing.body.alerts[0].id as number;
    const detail = (await bot.get(`/api/v1/alerts/${id}`)).body;
    expect(detail).toMatchObject({
      severity: 'WARN',
      title: 'CPU above 90% on web-1',
      body: 'CPU has been above 90% for 10 minutes.',
      labels: { alertname: 'High CPU', grafana_folder: 'Infra', instance: 'web-1', severity: 'warning' },
      dedupKey: 'b1c2d3e4f5a6b7c8',
      link: 'https://grafana.example/alerting/grafana/fe1a2b3c/view?orgId=1',
      status: 'firing',
    });
    const resolved = await bot.post('/api/v1/alertmanager', grafanaPayload('resolved'));
    expect(resolved.body.alerts).toEqual([{ id, outcome: 'resolved' }]);
  });
});
