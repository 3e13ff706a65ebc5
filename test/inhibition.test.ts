import { describe, expect, it } from 'vitest';
import { TEST_API_TOKEN } from './helpers/bot.js';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const YAML = `
defaultRoute: { telegram: ["-200"] }
pacing:
  telegramGroup: { intervalMs: 10, burst: 100 }
inhibitRules:
  - name: a node down hides what runs on it
    sourceMatchers: [alertname=NodeDown]
    targetMatchers: [alertname!=NodeDown]
    equal: [instance]
`;

describe('inhibit rules, end to end through Prometheus alerts', () => {
  const world = useBotWithFakes(YAML);

  const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const prometheus = (alertname: string, instance: string, endsAt: string) => ({ labels: { alertname, instance, severity: 'critical' }, annotations: { summary: `${alertname} on ${instance}` }, endsAt });
  const send = async (alerts: unknown[]) => {
    const response = await fetch(`${world.bot.url}/api/v2/alerts`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(response.status).toBe(202);
    return ((await response.json()) as { alerts: Array<{ id: number; outcome: string; inhibitedBy?: number }> }).alerts;
  };
  const inChat = (title: string) => world.fakes.telegram.inChat('-200').filter((m) => m.text.includes(title));
  const metric = async (name: string) => {
    const text = await (await fetch(`${world.bot.url}/metrics`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).text();
    return Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1]);
  };

  it('holds back what a firing NodeDown inhibits, shows by which, and posts it when the node is back', async () => {
    const [source, target, elsewhere] = await send([prometheus('NodeDown', 'db-1', iso(240_000)), prometheus('DiskFull', 'db-1', iso(240_000)), prometheus('DiskFull', 'db-2', iso(240_000))]);
    expect(target).toMatchObject({ outcome: 'created', inhibitedBy: source!.id });
    expect(elsewhere!.inhibitedBy).toBeUndefined();
    await waitUntil('the source and the alert elsewhere posted', () => inChat('NodeDown on db-1').length === 1 && inChat('DiskFull on db-2').length === 1);
    expect(inChat('DiskFull on db-1')).toEqual([]);
    expect((await world.bot.get(`/api/v1/alerts/${target!.id}`)).body).toMatchObject({ status: 'firing', inhibitedBy: source!.id, deliveries: [{ state: 'inhibited' }] });
    expect(await metric('opsbot_alerts_inhibited{severity="CRIT"}')).toBe(1);

    await send([prometheus('NodeDown', 'db-1', iso(-1_000))]);
    await waitUntil('the inhibited alert posted once its source resolved', () => inChat('DiskFull on db-1').length === 1);
    expect((await world.bot.get(`/api/v1/alerts/${target!.id}`)).body).toMatchObject({ status: 'firing', inhibitedBy: null });
    expect(await metric('opsbot_alerts_inhibited{severity="CRIT"}')).toBe(0);
  });

  it('an inhibited alert that resolves before its source is never posted', async () => {
    const [, target] = await send([prometheus('NodeDown', 'db-3', iso(240_000)), prometheus('LoadHigh', 'db-3', iso(240_000))]);
    expect(target!.inhibitedBy).toBeDefined();
    await waitUntil('the source posted', () => inChat('NodeDown on db-3').length === 1);
    await send([prometheus('LoadHigh', 'db-3', iso(-1_000))]);
    await send([prometheus('NodeDown', 'db-3', iso(-1_000))]);
    await waitUntil('the source posted and its resolution replied', () => inChat('Resolved: NodeDown on db-3').length === 1);
    expect(inChat('LoadHigh on db-3')).toEqual([]);
  });
});
